{#- A metric's value as people read it, by its registry `format`: percent "4.1 %", score
    "87.2", seconds "7:05" (m:ss), rating and ratio "4.12". `format` is a SQL expression. -#}
{% macro format_metric_value(value, format) -%}
    case {{ format }}
        when 'percent' then {{ format_number('100 * (' ~ value ~ ')', '.1f') }} || ' %'
        when 'score' then {{ format_number(value, '.1f') }}
        when 'seconds' then printf(
            '%d:%02d', cast(floor(round({{ value }}) / 60) as integer),
            cast(round({{ value }}) % 60 as integer))
        else {{ format_number(value, '.2f') }}
    end
{%- endmacro %}
