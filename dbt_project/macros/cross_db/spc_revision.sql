{#- spc_revised_chart (macros/spc/spc_chart.sql) on Spark, whose recursive CTEs may not
    aggregate or join on the recursive reference. The passes are unrolled, each written as a
    table (a chain of CTEs would be inlined, every pass's plan holding copies of all the
    passes before it) of every subgroup's flags: in_baseline, and is_revised (whether its
    series stage changed in that pass). The next pass charts only the stages that changed;
    it stops when none did, or after `max_passes`. `source` must be a relation or a
    self-contained subquery (the passes run as statements of their own while the model
    renders); the tables are `<model>__revision_<chart>_<pass>`, each dropped when the next
    is written, the last by the model's post-hook `spc_drop_revision_tables`. -#}
{% macro spark__spc_revised_chart(source, chart, max_passes, nsigmas, sigma_method, dispersion, summarised) %}
    {%- set base = {'laney_p': 'p', 'laney_u': 'u'}.get(chart) %}
    {%- if base and dispersion is none %}
        {%- set dispersion = '(' ~ spc_overdispersion(source, base, summarised) ~ ')' %}
    {%- endif %}
    {%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__revision_' ~ chart ~ '_' %}
    {%- set state = namespace(last=0, done=false) %}
    {%- if execute %}
        {%- do run_query('drop table if exists ' ~ prefix ~ '0') %}
        {%- do run_query(
            'create table ' ~ prefix ~ '0 using parquet as select series_id, stage,'
            ~ ' subgroup_order, bool_and(in_baseline) as in_baseline, true as is_revised from '
            ~ source ~ ' as source_rows group by series_id, stage, subgroup_order'
        ) %}
        {%- for pass in range(1, max_passes + 1) %}{% if not state.done %}
            {%- set flags = prefix ~ (pass - 1) %}
            {%- set revised_pass %}
            select
                flags.series_id,
                flags.stage,
                flags.subgroup_order,
                flags.in_baseline and beyond.subgroup_order is null as in_baseline,
                bool_or(flags.in_baseline and beyond.subgroup_order is not null) over (
                    partition by flags.series_id, flags.stage
                ) as is_revised
            from {{ flags }} as flags
            left join (
                {{ spc_leaving_baseline(
                    source, flags, chart, nsigmas, sigma_method, dispersion, summarised
                ) }}
            ) as beyond
                on flags.series_id = beyond.series_id
                and flags.stage = beyond.stage
                and flags.subgroup_order = beyond.subgroup_order
            {%- endset %}
            {%- do run_query('drop table if exists ' ~ prefix ~ pass) %}
            {%- do run_query('create table ' ~ prefix ~ pass ~ ' using parquet as ' ~ revised_pass) %}
            {%- do run_query('drop table ' ~ flags) %}
            {%- set state.last = pass %}
            {%- set state.done = run_query(
                'select 1 from ' ~ prefix ~ pass ~ ' where is_revised limit 1'
            ).rows | length == 0 %}
        {%- endif %}{% endfor %}
    {%- endif %}
    with revised as (
        select {{ spc_with_revised_flag('source_rows', 'revised_flags') }}
        from {{ source }} as source_rows
        inner join {{ prefix ~ state.last }} as revised_flags
            using (series_id, stage, subgroup_order)
    )

    select * from ({{ spc_chart('revised', chart, nsigmas=nsigmas, sigma_method=sigma_method, dispersion=dispersion, summarised=summarised) }})
{% endmacro %}

{#- Post-hook of a model that calls spc_revised_chart: drops the Spark passes' last tables. -#}
{% macro spc_drop_revision_tables() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- for table in run_query(
            "show tables in " ~ this.schema ~ " like '" ~ this.identifier ~ "__revision_*'"
        ).rows -%}
            {%- do run_query('drop table ' ~ this.schema ~ '.' ~ table['tableName']) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
