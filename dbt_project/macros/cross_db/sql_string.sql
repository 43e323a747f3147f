{#- A value from configuration as a SQL string literal, or null when it is missing. DuckDB
    doubles a quote; Spark reads two adjacent literals as one ('it''s' is "its") and escapes
    with a backslash instead. -#}
{% macro sql_string(value) -%}
    {%- if value is not defined or value is none -%}
        null
    {%- else -%}
        {{ adapter.dispatch('sql_string')(value | string) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__sql_string(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(text) -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}

{#- Each value of a list as a literal, for dbt.array_construct. -#}
{% macro sql_strings(values) -%}
    {%- set literals = [] -%}
    {%- for value in values -%}{%- do literals.append(sql_string(value)) -%}{%- endfor -%}
    {%- do return(literals) -%}
{%- endmacro %}
