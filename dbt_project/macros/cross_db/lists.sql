{#- Lists on DuckDB and Spark. -#}

{#- Select-list items that turn each member of `list` into a row: its position from 1 as
    `position_alias` and the member as `value_alias`. -#}
{% macro unnest_with_position(list, position_alias, value_alias) -%}
    {{ adapter.dispatch('unnest_with_position')(list, position_alias, value_alias) }}
{%- endmacro %}
{% macro default__unnest_with_position(list, position_alias, value_alias) -%}
    unnest(range(1, len({{ list }}) + 1)) as {{ position_alias }},
    unnest({{ list }}) as {{ value_alias }}
{%- endmacro %}
{% macro spark__unnest_with_position(list, position_alias, value_alias) -%}
    inline(transform({{ list }}, (member, position) -> named_struct(
        '{{ position_alias }}', position + 1, '{{ value_alias }}', member)))
{%- endmacro %}

{#- A select-list item: each member of `list` as a row named `value_alias`. -#}
{% macro unnest_list(list, value_alias) -%}
    {{ adapter.dispatch('unnest_list')(list, value_alias) }}
{%- endmacro %}
{% macro default__unnest_list(list, value_alias) -%}
    unnest({{ list }}) as {{ value_alias }}
{%- endmacro %}
{% macro spark__unnest_list(list, value_alias) -%}
    explode({{ list }}) as {{ value_alias }}
{%- endmacro %}

{#- A query turning `columns` of `relation` into rows: the column's name in `name_column`,
    its value in `value_column`; null values give no row (both engines' default). -#}
{% macro unpivot(relation, columns, name_column, value_column) -%}
    select * from {{ relation }}
    unpivot ({{ value_column }} for {{ name_column }} in ({{ columns | join(', ') }}))
{%- endmacro %}

{#- Every column of `relation` (an alias, or none for the only one) but `columns`. -#}
{% macro star_except(columns, relation=none) -%}
    {{ relation ~ '.' if relation }}* {{ adapter.dispatch('star_except_keyword')() }} ({{ columns | join(', ') }})
{%- endmacro %}
{% macro default__star_except_keyword() -%}exclude{%- endmacro %}
{% macro spark__star_except_keyword() -%}except{%- endmacro %}

{#- The column names of a built relation, comma-separated, in its order: for a union whose
    parts must line up by name (Spark has no UNION BY NAME). Empty while dbt parses. -#}
{% macro column_names(relation) -%}
    {%- if execute -%}
        {{ adapter.get_columns_in_relation(relation) | map(attribute='name') | join(', ') }}
    {%- endif -%}
{%- endmacro %}

{#- Sorted members of a group, as one text: `expression` over the group's rows, nulls left
    out, each once when `distinct`, joined by `separator`. Cheaper than an ordered
    string_agg. -#}
{% macro sorted_list_text(expression, distinct=false, separator=', ') -%}
    {{ adapter.dispatch('sorted_list_text')(expression, distinct, separator) }}
{%- endmacro %}
{% macro default__sorted_list_text(expression, distinct, separator) -%}
    array_to_string(list_sort({{ 'list_distinct(' if distinct }}list({{ expression }}){{ ')' if distinct }}), {{ sql_string(separator) }})
{%- endmacro %}
{% macro spark__sorted_list_text(expression, distinct, separator) -%}
    array_join(array_sort({{ 'array_distinct(' if distinct }}collect_list({{ expression }}){{ ')' if distinct }}), {{ sql_string(separator) }})
{%- endmacro %}

{#- The integers first..last (both included) as a list. -#}
{% macro integer_list(first, last) -%}
    {{ adapter.dispatch('integer_list')(first, last) }}
{%- endmacro %}
{% macro default__integer_list(first, last) -%}
    range({{ first }}, ({{ last }}) + 1)
{%- endmacro %}
{% macro spark__integer_list(first, last) -%}
    sequence(cast({{ first }} as bigint), cast({{ last }} as bigint))
{%- endmacro %}

{#- A struct from `fields`: a dict of field name to SQL expression (kept in the dict's order). -#}
{% macro struct_of(fields) -%}
    {{ adapter.dispatch('struct_of')(fields) }}
{%- endmacro %}
{% macro default__struct_of(fields) -%}
    { {%- for name, value in fields.items() %}'{{ name }}': {{ value }}{{ ', ' if not loop.last }}{% endfor -%} }
{%- endmacro %}
{% macro spark__struct_of(fields) -%}
    named_struct({%- for name, value in fields.items() %}'{{ name }}', {{ value }}{{ ', ' if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- A select-list item: each struct of the list `structs` as a row, its fields as columns. -#}
{% macro unnest_structs(structs) -%}
    {{ adapter.dispatch('unnest_structs')(structs) }}
{%- endmacro %}
{% macro default__unnest_structs(structs) -%}
    unnest({{ structs }}, recursive := true)
{%- endmacro %}
{% macro spark__unnest_structs(structs) -%}
    inline({{ structs }})
{%- endmacro %}

{#- A list of structs, each from a dict of field name to SQL expression. -#}
{% macro struct_list(rows) -%}
    {%- set structs = [] -%}
    {%- for fields in rows -%}{%- do structs.append(struct_of(fields)) -%}{%- endfor -%}
    {{ dbt.array_construct(structs) }}
{%- endmacro %}

{#- The dates first, first + step, ... up to last (included), as a list; `step` an interval
    of days or months ('7 day', '1 month'); an empty list when first is after last. -#}
{% macro date_list(first, last, step) -%}
    {{ adapter.dispatch('date_list')(first, last, step) }}
{%- endmacro %}
{% macro default__date_list(first, last, step) -%}
    cast(generate_series(cast({{ first }} as date), cast({{ last }} as date), interval {{ step }}) as date[])
{%- endmacro %}
{% macro spark__date_list(first, last, step) -%}
    case when cast({{ first }} as date) <= cast({{ last }} as date)
        then sequence(cast({{ first }} as date), cast({{ last }} as date), interval {{ step }})
        else array() end
{%- endmacro %}
