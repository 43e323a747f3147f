{#- The SPC engine's entry point: every chart as rows of
    (series_id, stage, chart, subgroup_order, subgroup, n, value, center, lcl, ucl, sigma,
    in_baseline). dbt marts and `qm spc` both call these macros. The source of a chart of a
    measurement has one row per observation, or with `summarised` one row per subgroup
    (spc_subgroup_stats). -#}
{% macro spc_chart(
    source, chart, nsigmas=3, sigma_method='mr', ewma_lambda=0.2, cusum_k=0.5, cusum_h=5,
    target=none, sigma=none, dispersion=none, summarised=false
) %}
    {%- if chart in ('p', 'np', 'c', 'u') -%}
        {{ spc_attribute_chart(source, chart, nsigmas) }}
    {%- elif chart in ('laney_p', 'laney_u') -%}
        {{ spc_laney_chart(source, chart, nsigmas, dispersion, summarised) }}
    {%- elif chart == 'xbar_r' -%}
        {{ spc_xbar_chart(source, 'r', nsigmas, summarised) }}
    {%- elif chart == 'xbar_s' -%}
        {{ spc_xbar_chart(source, 's', nsigmas, summarised) }}
    {%- elif chart == 'imr' -%}
        {{ spc_imr_chart(source, nsigmas, sigma_method, summarised) }}
    {%- elif chart == 'ewma' -%}
        {{ spc_ewma_chart(source, ewma_lambda, nsigmas, target, sigma, summarised) }}
    {%- elif chart == 'cusum' -%}
        {{ spc_cusum_chart(source, cusum_k, cusum_h, target, sigma, summarised) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown SPC chart " ~ chart) }}
    {%- endif -%}
{% endmacro %}

{#- Phase I revised: a Shewhart chart whose baseline subgroups beyond the limits (on any part
    of the chart) leave the baseline, the limits recomputed, pass after pass until no baseline
    point is beyond them (a fixed point) or `max_passes` passes were made; 0 passes is the
    chart as given. Each (series, stage) stops on its own. A Laney chart keeps the σ_z it was
    given (`dispersion`), or measures it once on the unrevised baseline. On Spark the passes
    run as statements of their own (spark__spc_revised_chart, macros/cross_db). -#}
{% macro spc_revised_chart(source, chart, max_passes, nsigmas=3, sigma_method='mr', dispersion=none, summarised=false) %}
    {%- if max_passes == 0 -%}
        {{ spc_chart(source, chart, nsigmas=nsigmas, sigma_method=sigma_method, dispersion=dispersion, summarised=summarised) }}
    {%- elif chart in ('ewma', 'cusum') -%}
        {{ exceptions.raise_compiler_error("Phase I exclusion applies to Shewhart charts, not " ~ chart) }}
    {%- elif target is defined and target.type == 'spark' -%}
        {{ spark__spc_revised_chart(source, chart, max_passes, nsigmas, sigma_method, dispersion, summarised) }}
    {%- else -%}
    {%- set base = {'laney_p': 'p', 'laney_u': 'u'}.get(chart) %}
    with recursive
    {%- if base and dispersion is none %}
    measured_dispersion as (
        {{ spc_overdispersion(source, base, summarised) }}
    ),
    {%- set dispersion = 'measured_dispersion' %}
    {%- endif %}
    {# The passes run on the subgroups' baseline flags (one row per subgroup), each pass
        charting the source's rows with the flags of the pass before. #}
    revisions (series_id, stage, subgroup_order, in_baseline, pass, is_revised) as (
        select series_id, stage, subgroup_order, bool_and(in_baseline), 0, true
        from {{ source }}
        group by series_id, stage, subgroup_order

        union all

        select
            revisions.series_id,
            revisions.stage,
            revisions.subgroup_order,
            revisions.in_baseline and beyond.subgroup_order is null,
            revisions.pass + 1,
            bool_or(revisions.in_baseline and beyond.subgroup_order is not null) over (
                partition by revisions.series_id, revisions.stage
            )
        from revisions
        left join (
            {{ spc_leaving_baseline(
                source, 'revisions', chart, nsigmas, sigma_method, dispersion, summarised
            ) }}
        ) as beyond
            on revisions.series_id = beyond.series_id
            and revisions.stage = beyond.stage
            and revisions.subgroup_order = beyond.subgroup_order
        where revisions.is_revised and revisions.pass < {{ max_passes }}
    ),

    revised_flags as (
        select series_id, stage, subgroup_order, in_baseline from revisions
        qualify pass = max(pass) over (partition by series_id, stage)
    ),

    revised as (
        select {{ spc_with_revised_flag('source_rows', 'revised_flags') }}
        from {{ source }} as source_rows
        inner join revised_flags using (series_id, stage, subgroup_order)
    )

    select * from ({{ spc_chart('revised', chart, nsigmas=nsigmas, sigma_method=sigma_method, dispersion=dispersion, summarised=summarised) }})
    {%- endif -%}
{% endmacro %}

{#- One pass of the Phase I revision: the subgroups of `source` in the baseline of `flags`
    (series_id, stage, subgroup_order, in_baseline, is_revised) that lie beyond the limits
    of the chart of their stage, for the stages the pass before revised. -#}
{% macro spc_leaving_baseline(source, flags, chart, nsigmas, sigma_method, dispersion, summarised) %}
    select distinct series_id, stage, subgroup_order
    from ({{ spc_chart(
        '(select ' ~ spc_with_revised_flag('source_rows', 'flags') ~ ' from '
        ~ source ~ ' as source_rows inner join ' ~ flags ~ ' as flags'
        ~ ' using (series_id, stage, subgroup_order) where flags.is_revised)',
        chart, nsigmas=nsigmas, sigma_method=sigma_method, dispersion=dispersion,
        summarised=summarised
    ) }})
    where in_baseline and {{ spc_beyond_limits() }}
{% endmacro %}

{#- The chart parts that show a series' location (the others show its dispersion or memory):
    what attention tests and explanations read. -#}
{% macro spc_location_parts() -%}
    ('p', 'np', 'c', 'u', 'laney_p', 'laney_u', 'xbar', 'i')
{%- endmacro %}

{#- A point beyond its control limits, decided at 9 decimals (as the run rules read z): a
    point on a limit in exact arithmetic can come out a rounding step either side of it in
    floating point, differently in two engines; on the limit it is not beyond. -#}
{% macro spc_beyond_limits(value='value', lcl='lcl', ucl='ucl') -%}
    (round({{ value }} - {{ ucl }}, 9) > 0 or round({{ value }} - {{ lcl }}, 9) < 0)
{%- endmacro %}

{#- The columns of `rows` with in_baseline taken from `flags`. DuckDB replaces it in place;
    Spark (no REPLACE) puts it last, which the chart reads by name. Plain Jinja, as above. -#}
{% macro spc_with_revised_flag(rows, flags) -%}
    {%- if target is defined and target.type == 'spark' -%}
        {{ rows }}.* except (in_baseline), {{ flags }}.in_baseline
    {%- else -%}
        {{ rows }}.* replace ({{ flags }}.in_baseline as in_baseline)
    {%- endif -%}
{%- endmacro %}
