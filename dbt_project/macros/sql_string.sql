{#- A value from configuration as a SQL string literal (quotes doubled), or null when it is
    missing. -#}
{% macro sql_string(value) -%}
    {%- if value is not defined or value is none -%}
        null
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}
