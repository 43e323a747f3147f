{#- A metric's value as people read it, by its registry `format`: percent "4.1 %", score
    "87.2", seconds "7:05" (m:ss), rating and ratio "4.12". `format` is a SQL expression. -#}
{% macro format_metric_value(value, format) -%}
    case {{ format }}
        when 'percent' then format('{:.1f} %', 100 * ({{ value }}))
        when 'score' then format('{:.1f}', {{ value }})
        when 'seconds' then printf(
            '%d:%02d', cast(floor(round({{ value }}) / 60) as integer),
            cast(round({{ value }}) % 60 as integer))
        else format('{:.2f}', {{ value }})
    end
{%- endmacro %}
