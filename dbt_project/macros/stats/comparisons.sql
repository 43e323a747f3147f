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
  p₁ − p₂ (Newcombe 1998, method 10; statsmodels' confint_proportions_2indep(method='newcomb'))
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

{#
  The change of a scorecard against the previous period of the same grain and source, as two
  CTEs after `current` (rows with a period's figures and its previous_period_start), joined to
  `periods` (the same figures for every period) on `key`: with_previous adds the previous
  period's figures, changes the mean's change with Welch's standard error, degrees of freedom
  and half-width, and the critical-fail rate's change with Newcombe's bounds,
  change_intervals the mean change's bounds and whether they exclude 0. Used by
  mart_agent_scorecard (key agent_id) and mart_team_scorecard (team_id).
#}
{% macro scorecard_change_ctes(current, periods, key) -%}
with_previous as (
    select
        {{ current }}.*,
        previous.evaluations_count as previous_evaluations_count,
        previous.mean_score as previous_mean_score,
        previous.score_variance as previous_score_variance,
        previous.critical_fail_count as previous_critical_fail_count,
        previous.critical_fail_rate as previous_critical_fail_rate,
        previous.critical_fail_rate_lower as previous_critical_fail_rate_lower,
        previous.critical_fail_rate_upper as previous_critical_fail_rate_upper
    from {{ current }}
    left join {{ periods }} as previous
        on {{ current }}.{{ key }} = previous.{{ key }}
        and {{ current }}.period_grain = previous.period_grain
        and {{ current }}.source = previous.source
        and {{ current }}.previous_period_start = previous.period_start
),

changes as (
    select
        *,
        mean_score - previous_mean_score as mean_score_change,
        {{ welch_std_error(
            'score_variance', 'evaluations_count',
            'previous_score_variance', 'previous_evaluations_count'
        ) }}
            as mean_score_change_std_error,
        {{ welch_degrees_of_freedom(
            'score_variance', 'evaluations_count',
            'previous_score_variance', 'previous_evaluations_count'
        ) }}
            as mean_score_change_degrees_of_freedom,
        {{ welch_half_width(
            'score_variance', 'evaluations_count',
            'previous_score_variance', 'previous_evaluations_count'
        ) }}
            as mean_score_change_half_width,
        critical_fail_rate - previous_critical_fail_rate as critical_fail_rate_change,
        {{ newcombe_bound(
            'critical_fail_rate', 'critical_fail_rate_lower', 'critical_fail_rate_upper',
            'previous_critical_fail_rate', 'previous_critical_fail_rate_lower',
            'previous_critical_fail_rate_upper', -1
        ) }}
            as critical_fail_rate_change_lower,
        {{ newcombe_bound(
            'critical_fail_rate', 'critical_fail_rate_lower', 'critical_fail_rate_upper',
            'previous_critical_fail_rate', 'previous_critical_fail_rate_lower',
            'previous_critical_fail_rate_upper', 1
        ) }}
            as critical_fail_rate_change_upper
    from with_previous
),

change_intervals as (
    select
        *,
        mean_score_change - mean_score_change_half_width as mean_score_change_lower,
        mean_score_change + mean_score_change_half_width as mean_score_change_upper,
        coalesce(
            mean_score_change - mean_score_change_half_width > 0
            or mean_score_change + mean_score_change_half_width < 0,
            false
        ) as is_mean_score_change_distinguishable
    from changes
)
{%- endmacro %}


{#
  A scorecard's people-scored mean over the evaluations of contacts the evaluation queue
  selected, each weighted by its sampling weight w = 1/π (mart_evaluation_queue): the Hájek
  mean m = Σw·y / Σw, unbiased (to first order) for the mean of the queue's frame although
  the queue oversamples contacts the machine flagged. Its standard error, with the usual
  with-replacement approximation, is √(n/(n − 1) · Σw²(y − m)²) / Σw; the interval is
  m ± t(n − 1)·SE, clipped to 0-100. hajek_sums() aggregates what the interval needs
  (Σw²(y − m)² = Σw²y² − 2m·Σw²y + m²·Σw²), hajek_columns() turns the sums into the mean and
  its bounds (hajek_half_width() is t(n − 1)·SE).
#}
{% macro hajek_sums(weight, value) -%}
    count({{ weight }}) as queue_evaluations_count,
    sum({{ weight }}) as queue_weight_sum,
    sum({{ weight }} * {{ value }}) as queue_weighted_sum,
    sum({{ weight }} * {{ weight }}) as queue_weight_squares,
    sum({{ weight }} * {{ weight }} * {{ value }}) as queue_weighted_square_sum,
    sum({{ weight }} * {{ weight }} * {{ value }} * {{ value }}) as queue_weighted_square_sum_2
{%- endmacro %}

{#- Σw²(y − m)² from the sums subtracts numbers of the size of Σw²y²: when every y is equal it
    leaves rounding noise (about 1e-13 of Σw²y², either sign, differently in another engine
    or summation order) instead of 0. Below 1e-10 of Σw²y² (scores within about 1e-5 of
    their mean) it is 0: no spread, as sample_spread rounds one. -#}
{% macro hajek_half_width() -%}
    {%- set mean = '(queue_weighted_sum / queue_weight_sum)' %}
    {%- set deviation_squares -%}
        (queue_weighted_square_sum_2 - 2 * {{ mean }} * queue_weighted_square_sum
            + pow({{ mean }}, 2) * queue_weight_squares)
    {%- endset %}
    case
        when queue_evaluations_count >= 2
            then {{ t_quantile('queue_evaluations_count - 1') }} * sqrt(
                case
                    when {{ deviation_squares }} > 1e-10 * queue_weighted_square_sum_2
                        then queue_evaluations_count / (queue_evaluations_count - 1.0)
                            * {{ deviation_squares }}
                    else 0
                end
            ) / queue_weight_sum
    end
{%- endmacro %}

{% macro hajek_columns() -%}
    queue_weighted_sum / queue_weight_sum as queue_weighted_mean_score,
    -- greatest and least skip nulls: no half-width, no bounds
    case
        when ({{ hajek_half_width() }}) is not null
            then greatest(queue_weighted_sum / queue_weight_sum - ({{ hajek_half_width() }}), 0)
    end as queue_weighted_mean_score_lower,
    case
        when ({{ hajek_half_width() }}) is not null
            then least(queue_weighted_sum / queue_weight_sum + ({{ hajek_half_width() }}), 100)
    end as queue_weighted_mean_score_upper,
{%- endmacro %}
