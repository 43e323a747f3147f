{#- Whether a value meets its target in the target's direction ('higher': at least, 'lower':
    at most), compared at 9 decimals: a mean that equals the target in exact arithmetic can
    land a rounding step either side of it in floating point, in an order that depends on
    DuckDB's threads. -#}
{% macro meets_target(value, target, direction) -%}
    case {{ direction }}
        when 'higher' then round({{ value }}, 9) >= {{ target }}
        when 'lower' then round({{ value }}, 9) <= {{ target }}
    end
{%- endmacro %}
