{#- The dimensions every quality mart is rolled up over, with 'All' for a rolled-up
    dimension, so a dashboard filter is a plain WHERE and never an aggregation. -#}
{% macro segment_cube_columns() -%}
    case when grouping(site) = 1 then 'All' else site end as site,
    case when grouping(team_id) = 1 then 'All' else team_id end as team_id,
    case when grouping(team_id) = 1 then 'All' else team_name end as team_name,
    case when grouping(channel) = 1 then 'All' else channel end as channel
{%- endmacro %}

{% macro segment_cube_group_by(leading_columns) -%}
    group by {{ leading_columns | join(', ') }}, cube(site, (team_id, team_name), channel)
{%- endmacro %}

{#- Known values for the roll-up dimensions: an unknown site or team is named, not NULL,
    so it cannot be confused with the 'All' roll-up. -#}
{% macro segment_dimensions() -%}
    coalesce(site, 'Unknown') as site,
    coalesce(team_id, 'Unassigned') as team_id,
    coalesce(team_name, 'Unassigned') as team_name,
    coalesce(channel, 'Unknown') as channel
{%- endmacro %}
