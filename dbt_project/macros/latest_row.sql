{#- Keep one row per key: the latest `updated_at` wins, else the later file, else the later
    row of the same file (the landing contract's restatement rule). -#}
{% macro latest_row(key_columns, has_updated_at=false) -%}
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by
            {% if has_updated_at %}updated_at desc nulls last,{% endif %}
            _load_sequence desc,
            _source_row desc
    ) = 1
{%- endmacro %}
