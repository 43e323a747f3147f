{#- On Spark, the raw layer is the DuckDB raw tables exported as Parquet (`qm export-raw`),
    one folder per table under QM_SPARK_RAW; each run (re)declares them as external tables. -#}
{% macro spark_raw_layer() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- set folder = env_var('QM_SPARK_RAW') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
            {%- do run_query('drop table if exists raw.' ~ table.name) -%}
            {%- do run_query('create table raw.' ~ table.name ~ " using parquet location '"
                ~ folder ~ '/' ~ table.name ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
