{#- The segment kinds of SPC series and quality targets and the column of int_metric_observations
    (or of any relation with the columns site, team_id, queue, channel and agent_id) each one
    reads: the one place segment kinds map to columns. -#}
{% macro segment_columns() -%}
    {{ return({
        'site': 'site',
        'team': 'team_id',
        'queue': 'queue',
        'channel': 'channel',
        'agent': 'agent_id',
    }) }}
{%- endmacro %}

{#- The value a row has for a segment kind ('all' for the whole centre). `kind` is a SQL
    expression. -#}
{% macro segment_value(kind, relation) -%}
    case {{ kind }}
        when 'all' then 'all'
        {%- for segment, column in segment_columns().items() %}
        when '{{ segment }}' then {{ relation }}.{{ column }}
        {%- endfor %}
    end
{%- endmacro %}
