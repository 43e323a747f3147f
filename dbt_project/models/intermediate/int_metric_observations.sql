-- Every observation of every metric in the registry (var `metrics`): one row per contact,
-- evaluation or answer a metric counts, with the segments it belongs to. The weekly quality
-- mart and the SPC series both aggregate this one table.
{%- for metric in var('metrics') %}
{{ 'union all' if not loop.first }}
select
    '{{ metric.metric }}' as metric,
    cast({{ metric.detail or "''" }} as string) as metric_detail,
    cast({{ metric.at }} as timestamp) as observed_at,
    cast({{ metric.arrives or metric.at }} as timestamp) as arrived_at,
    cast({{ metric.value }} as double) as value,
    site,
    team_id,
    team_name,
    queue,
    channel,
    agent_id
from {{ ref(metric.model) }}
where ({{ metric.where }}) and {{ metric.at }} is not null
{%- endfor %}
