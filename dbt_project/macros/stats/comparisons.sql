{#
  Interval helpers of the scorecard marts (mart_agent_scorecard, mart_team_scorecard) built on
  the quantile macros of intervals.sql: the t-interval of a mean, and the intervals of the
  change of a mean (Welch) and of a proportion (Newcombe) between two independent samples.
  Every interval is two-sided at var('scorecards').confidence.
#}

{#
  Half-width of the t-interval of a mean: t(n − 1) · sd / √n, with sd the sample standard
  deviation (n − 1 denominator). Null below two values (a single evaluation has no spread). As
  statsmodels' DescrStatsW(x).tconfint_mean() and scipy's t.interval(df=n − 1, scale=sd/√n).
#}
{% macro t_interval_half_width(standard_deviation, count) -%}
    case
        when ({{ count }}) >= 2
            then {{ t_quantile('(' ~ count ~ ') - 1') }}
            * ({{ standard_deviation }}) / sqrt({{ count }})
    end
{%- endmacro %}

{#
  Standard error of the difference of two independent means with unequal variances (Welch):
  √(v₁/n₁ + v₂/n₂), v the sample variances. Null when either side has fewer than two values.
#}
{% macro welch_std_error(variance_1, count_1, variance_2, count_2) -%}
    case
        when ({{ count_1 }}) >= 2 and ({{ count_2 }}) >= 2
            then sqrt(
                ({{ variance_1 }}) / ({{ count_1 }}) + ({{ variance_2 }}) / ({{ count_2 }})
            )
    end
{%- endmacro %}

{#
  Welch–Satterthwaite degrees of freedom of that difference:
    (v₁/n₁ + v₂/n₂)² / ((v₁/n₁)² / (n₁ − 1) + (v₂/n₂)² / (n₂ − 1))
  (a fraction, between min(n₁, n₂) − 1 and n₁ + n₂ − 2). Null when either side has fewer than
  two values or both variances are 0 (0/0, as statsmodels gives nan).
#}
{% macro welch_degrees_of_freedom(variance_1, count_1, variance_2, count_2) -%}
    case
        when ({{ count_1 }}) >= 2 and ({{ count_2 }}) >= 2
            and (({{ variance_1 }}) > 0 or ({{ variance_2 }}) > 0)
            then pow(
                ({{ variance_1 }}) / ({{ count_1 }}) + ({{ variance_2 }}) / ({{ count_2 }}), 2
            ) / (
                pow(({{ variance_1 }}) / ({{ count_1 }}), 2) / (({{ count_1 }}) - 1)
                + pow(({{ variance_2 }}) / ({{ count_2 }}), 2) / (({{ count_2 }}) - 1)
            )
    end
{%- endmacro %}

{#
  Half-width of Welch's interval of the difference of two means: t(ν) · standard error, with ν
  the Welch–Satterthwaite degrees of freedom rounded DOWN to a whole number (the quantile seed
  holds whole degrees of freedom; rounding down is the textbook rule for t tables and makes the
  interval at most a little wider than statsmodels' CompareMeans.tconfint_diff(
  usevar='unequal'), which uses the fraction). The 1e-9 guards a whole ν computed as
  2.9999999999. Null where the degrees of freedom are.
#}
{% macro welch_half_width(variance_1, count_1, variance_2, count_2) -%}
    {%- set freedom = welch_degrees_of_freedom(variance_1, count_1, variance_2, count_2) -%}
    (
        {{ t_quantile('cast(floor((' ~ freedom ~ ') + 1e-9) as integer)') }}
        * {{ welch_std_error(variance_1, count_1, variance_2, count_2) }}
    )
{%- endmacro %}

{#
  Newcombe's hybrid score interval of the difference of two independent proportions
  p₁ − p₂ (Newcombe 1998, method 10; statsmodels' confint_proportions_2indep(method='newcomb')),
  from each proportion's Wilson bounds (l, u):
    lower = (p₁ − p₂) − √((p₁ − l₁)² + (u₂ − p₂)²)
    upper = (p₁ − p₂) + √((u₁ − p₁)² + (p₂ − l₂)²)
  side -1: lower, +1: upper. Null when either side has no Wilson bounds (no trials).
#}
{% macro newcombe_bound(rate_1, lower_1, upper_1, rate_2, lower_2, upper_2, side) -%}
    (
        ({{ rate_1 }}) - ({{ rate_2 }})
        + case
            when ({{ side }}) < 0
                then -sqrt(
                    pow(({{ rate_1 }}) - ({{ lower_1 }}), 2)
                    + pow(({{ upper_2 }}) - ({{ rate_2 }}), 2)
                )
            else sqrt(
                pow(({{ upper_1 }}) - ({{ rate_1 }}), 2)
                + pow(({{ rate_2 }}) - ({{ lower_2 }}), 2)
            )
        end
    )
{%- endmacro %}
