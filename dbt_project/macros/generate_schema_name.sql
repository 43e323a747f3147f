{#- Use the folder's schema as is (raw, staging, intermediate, marts): analysts query
    stable names such as marts.fct_evaluations. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
