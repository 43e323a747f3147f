{#- The value a row of int_metric_observations (or any relation with the columns site,
    team_id, queue, channel and agent_id) has for a segment kind: the one place segment
    kinds map to columns. `kind` is a SQL expression. -#}
{% macro segment_value(kind, relation) -%}
    case {{ kind }}
        when 'all' then 'all'
        when 'site' then {{ relation }}.site
        when 'team' then {{ relation }}.team_id
        when 'queue' then {{ relation }}.queue
        when 'channel' then {{ relation }}.channel
        when 'agent' then {{ relation }}.agent_id
    end
{%- endmacro %}
