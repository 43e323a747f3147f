{#- Every row of `left` with the `columns` of the latest row of `right` that has the same
    `keys` and lies strictly before it (`right_at` < `left_at`); null columns when none does.
    `left` and `right` are relations (CTE names). On DuckDB an ASOF join; on Spark, which
    has none, both sides in one stream ordered by time (a right row after a left row at the
    same instant), each left row taking the last right row before it: one sort, no range
    join. -#}
{% macro asof_before(left, right, keys, left_at, right_at, columns) -%}
    {{ adapter.dispatch('asof_before')(left, right, keys, left_at, right_at, columns) }}
{%- endmacro %}

{% macro default__asof_before(left, right, keys, left_at, right_at, columns) -%}
    select
        {{ left }}.*,
        {%- for column in columns %}
        {{ right }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ left }}
    asof left join {{ right }}
        on {% for key in keys %}{{ left }}.{{ key }} = {{ right }}.{{ key }} and {% endfor -%}
        {{ left }}.{{ left_at }} > {{ right }}.{{ right_at }}
{%- endmacro %}

{% macro spark__asof_before(left, right, keys, left_at, right_at, columns) -%}
    select
        left_row.*,
        {%- for column in columns %}
        latest_right.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            left_row,
            last(right_row, true) over (
                partition by {{ keys | join(', ') }}
                order by at, side
                rows between unbounded preceding and current row
            ) as latest_right
        from (
            select {{ keys | join(', ') }}, {{ left_at }} as at, 0 as side,
                struct(*) as left_row, null as right_row
            from {{ left }}
            union all
            select {{ keys | join(', ') }}, {{ right_at }} as at, 1 as side,
                null as left_row, struct({{ columns | join(', ') }}) as right_row
            from {{ right }}
        )
    )
    where left_row is not null
{%- endmacro %}
