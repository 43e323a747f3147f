{#
  Interval helpers for the scorecard, sampling and calibration marts. Every interval is
  two-sided at the configured level var('scorecards').confidence (0.80, 0.90, 0.95 or 0.99:
  the levels in the student_t_quantiles seed, written with scipy).
#}

{% macro scorecard_confidence() -%}
    cast({{ var('scorecards')['confidence'] }} as double)
{%- endmacro %}

{# The two-sided normal quantile z at the configured level (1.959964 at 0.95). #}
{% macro normal_quantile() -%}
    (
        select quantiles.quantile from {{ ref('student_t_quantiles') }} as quantiles
        where quantiles.degrees_of_freedom is null
            and quantiles.confidence = {{ scorecard_confidence() }}
    )
{%- endmacro %}

{#
  The two-sided Student t quantile with `degrees_of_freedom` (an expression) at the configured
  level; the normal quantile beyond 1000 degrees of freedom (t differs from it by under 0.1 %
  there); null below 1 (a mean of one value has no interval).
#}
{% macro t_quantile(degrees_of_freedom) -%}
    case
        when ({{ degrees_of_freedom }}) > 1000 then {{ normal_quantile() }}
        when ({{ degrees_of_freedom }}) >= 1 then (
            select quantiles.quantile from {{ ref('student_t_quantiles') }} as quantiles
            where quantiles.confidence = {{ scorecard_confidence() }}
                and quantiles.degrees_of_freedom = ({{ degrees_of_freedom }})
        )
    end
{%- endmacro %}

{#
  Wilson score interval bound of a proportion successes / trials with normal quantile z
  (side -1: lower, +1: upper); null without trials. As statsmodels' proportion_confint(
  method='wilson'), kept within [0, 1] (rounding leaves 1e-17 at 0 successes):
    (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
#}
{% macro wilson_bound(successes, trials, z, side) -%}
    case
        when ({{ trials }}) > 0 then least(greatest((
            ({{ successes }}) / ({{ trials }})
            + ({{ z }}) * ({{ z }}) / (2.0 * ({{ trials }}))
            + ({{ side }}) * ({{ z }}) * sqrt(
                (({{ successes }}) / ({{ trials }}))
                * (1 - ({{ successes }}) / ({{ trials }})) / ({{ trials }})
                + ({{ z }}) * ({{ z }}) / (4.0 * ({{ trials }}) * ({{ trials }}))
            )
        ) / (1 + ({{ z }}) * ({{ z }}) / ({{ trials }})), 0), 1)
    end
{%- endmacro %}
