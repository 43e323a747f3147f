{#- The segment dimensions of SPC series and the fact column that holds each. -#}
{% macro spc_segment_column(segment) -%}
    {{ {'all': "'all'", 'site': 'site', 'team': 'team_id', 'queue': 'queue',
        'channel': 'channel', 'agent': 'agent_id'}[segment] }}
{%- endmacro %}
