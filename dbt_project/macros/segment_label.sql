{#- A segment as people read it: 'the whole centre', 'team Aurora (T01)', 'agent Sam Moreau
    (A0024)', 'site Leeds', 'queue billing', 'channel voice'. `team_name` and `agent_name`
    are SQL expressions for the segment's names (null when unknown: the id stands alone). -#}
{% macro segment_label(kind, value, team_name, agent_name) -%}
    case {{ kind }}
        when 'all' then 'the whole centre'
        when 'team' then 'team ' || coalesce(({{ team_name }}) || ' (' || ({{ value }}) || ')', {{ value }})
        when 'agent' then 'agent ' || coalesce(({{ agent_name }}) || ' (' || ({{ value }}) || ')', {{ value }})
        else {{ kind }} || ' ' || ({{ value }})
    end
{%- endmacro %}
