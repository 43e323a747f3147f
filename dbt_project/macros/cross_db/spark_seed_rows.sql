{#- dbt-spark's session connection puts seed values into its SQL without escaping them, so a
    phrase such as "you've" breaks the insert. On Spark, seeds are inserted as escaped
    literals instead (the project's dispatch of load_csv_rows wins over the adapter's). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column = agate_table.column_names[loop.index0] -%}
                    {%- set type = column_override.get(column,
                        adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ value if value is number and value is not boolean else sql_string(value) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
