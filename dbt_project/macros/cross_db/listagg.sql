{#- dbt's cross-database listagg, with its order on Spark too: dbt-spark's twin ignores the
    order (and warns); Spark 4 orders a string_agg with WITHIN GROUP. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with a limit is not used in this project') }}
    {%- endif -%}
    string_agg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
