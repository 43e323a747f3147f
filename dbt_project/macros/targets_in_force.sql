{#- The quality target in force for each row of `rows`: one row per key with the target,
    its direction, segment and the day it took effect. `metric_column` names the row's
    metric; `candidate_segments` lists the segments the row belongs to, each a dict of SQL
    expressions {kind, value, specificity} ('all' with a null value). The most specific matching segment wins, then the latest
    target effective on or before `period_end`. The one place targets are matched: the
    weekly quality mart, the SPC chart points and the quality objectives call it. -#}
{% macro targets_in_force(rows, keys, metric_column, period_end, candidate_segments) %}
    with candidates as (
        select
            {% for key in keys %}{{ key }}, {% endfor %}
            {% if metric_column not in keys %}{{ metric_column }},{% endif %}
            {{ period_end }} as period_end,
            {{ unnest_structs(struct_list(candidate_segments)) }}
        from {{ rows }}
    )

    select
        {% for key in keys %}candidates.{{ key }}, {% endfor %}
        targets.target,
        targets.direction as target_direction,
        targets.segment as target_segment,
        targets.effective_from as target_effective_from
    from candidates
    inner join {{ ref('stg_quality_targets') }} as targets
        on targets.metric = candidates.{{ metric_column }}
        and targets.segment_kind = candidates.kind
        and targets.segment_value is not distinct from candidates.value
        and targets.effective_from <= candidates.period_end
    qualify row_number() over (
        partition by {% for key in keys %}candidates.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
        order by candidates.specificity, targets.effective_from desc
    ) = 1
{% endmacro %}
