-- One row per point of every SPC series (metric × segment × grain in the registry), with its
-- centre line and limits from the SPC engine (macros/spc): limits come from the stage's
-- Phase I baseline (int_spc_subgroups), revised by dropping baseline points beyond them until
-- none is left (`phase_one_max_passes`), and are held after it. p and u series stages whose
-- σ_z is clearly above 1 (int_spc_overdispersion) are drawn as Laney p′ / u′ charts.
-- Provisional subgroups (data still arriving) are drawn with what has arrived and never
-- signal.
{%- set passes = var('spc')['phase_one_max_passes'] %}
{%- set laney = {'p': 'laney_p', 'u': 'laney_u'} %}
{%- set drawn = [] %}
{%- for chart in var('metrics') | map(attribute='chart') | unique %}
    {%- do drawn.append((chart, chart, false)) %}
    {%- if chart in laney %}{% do drawn.append((chart, laney[chart], true)) %}{% endif %}
{%- endfor %}
{{ config(post_hook="{{ spc_drop_revision_tables() }}") }}
with overdispersion as (
    select * from {{ ref('int_spc_overdispersion') }}
),

subgroups as (
    select * from {{ ref('int_spc_subgroups') }}
),

{%- for configured, chart, is_laney in drawn %}
{%- set input_rows %}
    select {{ star_except(['chart'], 'engine_input') }}
    from {{ ref('int_spc_engine_input') }} as engine_input
    left join {{ ref('int_spc_overdispersion') }} as overdispersion using (series_id, stage)
    where engine_input.chart = '{{ configured }}'
        and coalesce(overdispersion.is_laney, false) = {{ is_laney }}
{%- endset %}
input_{{ chart }} as ({{ input_rows }}
),

{#- On Spark the Phase I passes run as statements of their own (spark__spc_revised_chart):
    the input as a subquery, not a CTE of this model. #}
points_{{ chart }} as (
    select '{{ chart }}' as chart_type, *
    from ({{ spc_revised_chart(
        '(' ~ input_rows ~ ')' if target.type == 'spark' else 'input_' ~ chart,
        chart, 0 if chart in ('ewma', 'cusum') else passes,
        dispersion=ref('int_spc_overdispersion') if is_laney else none, summarised=true
    ) }})
),
{%- endfor %}

all_points as (
    {%- for configured, chart, is_laney in drawn %}
    {{ 'union all' if not loop.first }}
    select * from points_{{ chart }}
    {%- endfor %}
),

final as (
    select
        all_points.series_id,
        subgroups.metric,
        nullif(subgroups.metric_detail, '') as metric_detail,
        subgroups.grain,
        subgroups.segment_kind,
        subgroups.segment_value,
        all_points.chart_type,
        all_points.chart,
        all_points.stage,
        subgroups.stage_started_on,
        subgroups.stage_started_by,
        all_points.subgroup_order,
        all_points.subgroup,
        subgroups.subgroup_start,
        subgroups.subgroup_end,
        all_points.n,
        all_points.value,
        all_points.center,
        all_points.lcl,
        all_points.ucl,
        all_points.sigma,
        all_points.in_baseline,
        subgroups.is_provisional,
        overdispersion.sigma_z,
        overdispersion.moving_ranges_count as sigma_z_moving_ranges,
        overdispersion.overdispersion_threshold,
        case
            when {{ spc_beyond_limits(
                'all_points.value', 'all_points.lcl', 'all_points.ucl'
            ) }} then 'beyond'
            when all_points.sigma is null or all_points.sigma = 0 then null
            when abs(round((all_points.value - all_points.center) / all_points.sigma, 9)) > 2
                then 'A'
            when abs(round((all_points.value - all_points.center) / all_points.sigma, 9)) > 1
                then 'B'
            else 'C'
        end as zone
    from all_points
    inner join subgroups using (series_id, subgroup_order)
    left join overdispersion
        on overdispersion.series_id = all_points.series_id
        and overdispersion.stage = all_points.stage
    where all_points.value is not null and all_points.center is not null
)

select * from final
