{#- JSON read the same way on DuckDB and Spark. `document` is JSON text (a text column or
    expression), `path` a JSONPath such as '$.points.met'. A key that is missing, or JSON
    null, reads as SQL null. -#}

{#- The value at `path` as text (a string without its quotes, an object or array as JSON). -#}
{% macro json_text(document, path) -%}
    {{ adapter.dispatch('json_text')(document, path) }}
{%- endmacro %}
{% macro default__json_text(document, path) -%}
    json_extract_string({{ document }}, '{{ path }}')
{%- endmacro %}
{% macro spark__json_text(document, path) -%}
    get_json_object({{ document }}, '{{ path }}')
{%- endmacro %}

{#- The length of the array at `path`; null when there is none. -#}
{% macro json_array_size(document, path) -%}
    {{ adapter.dispatch('json_array_size')(document, path) }}
{%- endmacro %}
{% macro default__json_array_size(document, path) -%}
    json_array_length({{ document }}, '{{ path }}')
{%- endmacro %}
{% macro spark__json_array_size(document, path) -%}
    json_array_length(get_json_object({{ document }}, '{{ path }}'))
{%- endmacro %}

{#- Whether the value at `path` is a JSON object (false when missing or null). -#}
{% macro json_is_object(document, path) -%}
    {{ adapter.dispatch('json_is_object')(document, path) }}
{%- endmacro %}
{% macro default__json_is_object(document, path) -%}
    coalesce(json_type({{ document }}, '{{ path }}') = 'OBJECT', false)
{%- endmacro %}
{% macro spark__json_is_object(document, path) -%}
    coalesce(left(ltrim(get_json_object({{ document }}, '{{ path }}')), 1) = '{', false)
{%- endmacro %}

{#- The array at `path` as a typed list. `fields` names each member's fields and their types
    (bigint, double, string, or a list of one: ['string'] is a list of strings); without
    fields the members are strings. -#}
{% macro json_list(document, path, fields=none) -%}
    {{ adapter.dispatch('json_list')(document, path, fields) }}
{%- endmacro %}
{% macro default__json_list(document, path, fields) -%}
    {%- set duck = {'string': '"VARCHAR"', 'double': '"DOUBLE"', 'bigint': '"BIGINT"'} -%}
    {%- if fields -%}
        {%- set members = [] -%}
        {%- for name, type in fields.items() -%}
            {%- do members.append('"' ~ name ~ '": ' ~ ('[' ~ duck[type[0]] ~ ']' if type is not string else duck[type])) -%}
        {%- endfor -%}
        {%- set shape = '[{' ~ members | join(', ') ~ '}]' -%}
    {%- else -%}
        {%- set shape = '[' ~ duck['string'] ~ ']' -%}
    {%- endif -%}
    from_json(json_extract({{ document }}, '{{ path }}'), '{{ shape }}')
{%- endmacro %}
{% macro spark__json_list(document, path, fields) -%}
    {%- if fields -%}
        {%- set members = [] -%}
        {%- for name, type in fields.items() -%}
            {%- do members.append('`' ~ name ~ '`: ' ~ ('array<' ~ type[0] ~ '>' if type is not string else type)) -%}
        {%- endfor -%}
        {%- set shape = 'array<struct<' ~ members | join(', ') ~ '>>' -%}
    {%- else -%}
        {%- set shape = 'array<string>' -%}
    {%- endif -%}
    from_json(get_json_object({{ document }}, '{{ path }}'), '{{ shape }}')
{%- endmacro %}
