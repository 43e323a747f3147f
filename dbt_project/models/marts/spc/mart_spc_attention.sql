-- What needs attention: one row per series on the list, i.e. whose shift in a recent window
-- is a discovery at the false discovery rate `attention.false_discovery_rate` among the
-- series of its level (int_spc_series_shifts). Each item carries its size in the metric's
-- own units and its reach, a rank by impact, and what explains it:
--
-- - a wider series is folded under a narrower listed one that carries at least
--   `attention.explained_share` of its excess (the centre's abandonment under the billing
--   queue's), unless the narrower one is larger or is itself carried by the wider one;
-- - the same segment at the other grain is folded under the one with the smaller q-value;
-- - a process-level series most of whose excess comes from one agent says so.
--
-- An item's excess = Σ (value − its baseline level) over its window's observations (extra
-- failures for a rate, extra seconds or points for a mean); a cell's share of it (a team, an
-- agent, ... within the item) = Σ (value − the cell's own level in the item's baseline) /
-- the item's excess, so that a cell that always runs higher carries no excess for that.
{%- set attention = var('attention') %}
{%- set share = attention['explained_share'] %}
with shifts as (
    select * from {{ ref('int_spc_series_shifts') }}
),

metrics as (
    select * from {{ ref('dim_metrics') }}
),

observations as (
    select * from {{ ref('int_metric_observations') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

listed as (
    select
        shifts.*,
        shifts.window_value - shifts.baseline_value as change,
        shifts.window_units * 7.0
            / ({{ dbt.datediff('shifts.window_start', 'shifts.window_end', 'day') }} + 1) as units_per_week,
        -- the spread of one unit, at the level of window and baseline together
        (shifts.window_total + shifts.baseline_count)
            / (shifts.window_units + shifts.baseline_units) as pooled_level,
        case shifts.test_family
            when 'proportion' then sqrt(pooled_level * (1 - pooled_level))
            when 'rate' then sqrt(pooled_level)
            else shifts.unit_sigma
        end as unit_spread
    from shifts
    where shifts.is_listed
),

window_observations as (
    -- the observations behind each item's window ...
    select listed.series_id, listed.baseline_value, observations.*
    from listed
    inner join observations
        on observations.metric = listed.metric
        and observations.metric_detail = coalesce(listed.metric_detail, '')
        and cast(observations.observed_at as date) between listed.window_start and listed.window_end
        and {{ segment_value('listed.segment_kind', 'observations') }} = listed.segment_value
),

baseline_observations as (
    -- ... and behind its current stage's Phase I baseline
    select listed.series_id, observations.*
    from listed
    inner join {{ ref('mart_spc_points') }} as baseline
        on baseline.series_id = listed.series_id
        and baseline.stage = listed.stage
        and baseline.in_baseline
        and baseline.chart in {{ spc_location_parts() }}
    inner join observations
        on observations.metric = listed.metric
        and observations.metric_detail = coalesce(listed.metric_detail, '')
        and cast(observations.observed_at as date)
            between baseline.subgroup_start and baseline.subgroup_end
        and {{ segment_value('listed.segment_kind', 'observations') }} = listed.segment_value
),

item_excess as (
    select
        series_id,
        sum(value - baseline_value) as excess,
        max_by(team_id, observed_at) as latest_team_id
    from window_observations
    group by series_id
),

kinds (segment_kind, specificity) as (
    values ('agent', 1), ('team', 2), ('queue', 3), ('site', 4), ('channel', 5), ('all', 6)
),

cell_windows as (
    -- each item's window split by every segment its observations belong to ...
    select
        window_observations.series_id,
        kinds.segment_kind,
        {{ segment_value('kinds.segment_kind', 'window_observations') }} as segment_value,
        count(*) as units,
        sum(window_observations.value) as total
    from window_observations
    cross join kinds
    group by all
),

cell_baselines as (
    -- ... and each such cell's own level in the item's baseline
    select
        baseline_observations.series_id,
        kinds.segment_kind,
        {{ segment_value('kinds.segment_kind', 'baseline_observations') }} as segment_value,
        avg(baseline_observations.value) as cell_baseline
    from baseline_observations
    cross join kinds
    group by all
),

shares as (
    -- the share of an item's excess that lies in one cell, each cell against its own
    -- baseline level (so a cell that always runs higher carries no excess for that)
    select
        cell_windows.series_id,
        cell_windows.segment_kind,
        cell_windows.segment_value,
        (cell_windows.total - cell_windows.units * cell_baselines.cell_baseline)
            / nullif(item_excess.excess, 0) as share
    from cell_windows
    inner join cell_baselines using (series_id, segment_kind, segment_value)
    inner join item_excess using (series_id)
),

explains as (
    -- a listed process-level series folds under a narrower listed one that carries most of
    -- its excess, unless that one carries as much of its own excess back and is no smaller
    -- (the same change seen twice: the smaller or more specific segment keeps it)
    select
        item.series_id,
        narrower.series_id as explained_by_series_id,
        shares.share
    from listed as item
    inner join shares using (series_id)
    inner join listed as narrower
        on narrower.metric = item.metric
        and narrower.metric_detail is not distinct from item.metric_detail
        and narrower.grain = item.grain
        and narrower.segment_kind = shares.segment_kind
        and narrower.segment_value = shares.segment_value
        and narrower.series_id <> item.series_id
    inner join kinds as item_kind on item_kind.segment_kind = item.segment_kind
    inner join kinds as narrower_kind on narrower_kind.segment_kind = narrower.segment_kind
    left join shares as reverse_shares
        on reverse_shares.series_id = narrower.series_id
        and reverse_shares.segment_kind = item.segment_kind
        and reverse_shares.segment_value = item.segment_value
    where item.level = 'process'
        and narrower.level = 'process'
        and shares.share >= {{ share }}
        and (
            coalesce(reverse_shares.share, 0) < {{ share }}
            or narrower.units_per_week < item.units_per_week
            or (narrower.units_per_week = item.units_per_week
                and narrower_kind.specificity < item_kind.specificity)
        )

    union all

    select
        item.series_id,
        other_grain.series_id,
        null as share
    from listed as item
    inner join listed as other_grain
        on other_grain.metric = item.metric
        and other_grain.metric_detail is not distinct from item.metric_detail
        and other_grain.segment_kind = item.segment_kind
        and other_grain.segment_value = item.segment_value
        and other_grain.grain <> item.grain
        and (other_grain.q_value < item.q_value
            or (other_grain.q_value = item.q_value and other_grain.grain < item.grain))
),

best_explanation as (
    select
        explains.*,
        explains.explained_by_series_id in (select series_id from explains)
            as explainer_is_explained
    from explains
    qualify row_number() over (
        partition by explains.series_id
        order by explainer_is_explained, explains.share desc nulls first,
            explains.explained_by_series_id
    ) = 1
),

folded as (
    -- under the explainer, or one step further when the explainer is itself explained
    select
        best_explanation.series_id,
        coalesce(
            case when best_explanation.explainer_is_explained then hop.explained_by_series_id end,
            best_explanation.explained_by_series_id
        ) as folded_under_series_id,
        best_explanation.share as explained_share
    from best_explanation
    left join best_explanation as hop
        on hop.series_id = best_explanation.explained_by_series_id
),

kept_folds as (
    -- never under an item that is itself folded away
    select * from folded
    where folded_under_series_id not in (select series_id from folded)
),

driven as (
    select
        shares.series_id,
        shares.segment_value as driven_by_agent_id,
        shares.share as driven_by_agent_share
    from shares
    inner join listed as item using (series_id)
    where item.level = 'process'
        and shares.segment_kind = 'agent'
        and shares.share >= {{ share }}
    qualify row_number() over (partition by shares.series_id order by shares.share desc) = 1
),

agent_names as (
    select agent_id, agent_name from agents
    qualify row_number() over (partition by agent_id order by valid_from desc) = 1
),

team_names as (
    select team_id, team_name from agents
    qualify row_number() over (partition by team_id order by valid_from desc) = 1
),

described as (
    select
        listed.*,
        metrics.label as metric_label,
        metrics.format,
        metrics.units,
        metrics.events,
        (listed.change > 0) = (metrics.direction = 'lower') as is_worse,
        abs(listed.change) * listed.units_per_week as change_per_week,
        abs(listed.change) / nullif(listed.unit_spread, 0) * listed.units_per_week as impact,
        kept_folds.folded_under_series_id,
        kept_folds.explained_share,
        driven.driven_by_agent_id,
        driven.driven_by_agent_share,
        driver_names.agent_name as driven_by_agent_name,
        case when listed.segment_kind = 'team' then listed.segment_value
            else item_excess.latest_team_id end as team_id,
        case listed.segment_kind
            when 'all' then 'the whole centre'
            when 'team' then 'team ' || coalesce(segment_team.team_name || ' (' || listed.segment_value || ')', listed.segment_value)
            when 'agent' then 'agent ' || coalesce(segment_agent.agent_name || ' (' || listed.segment_value || ')', listed.segment_value)
            else listed.segment_kind || ' ' || listed.segment_value
        end as segment_label
    from listed
    inner join metrics using (metric)
    left join item_excess using (series_id)
    left join kept_folds using (series_id)
    left join driven using (series_id)
    left join agent_names as driver_names on driver_names.agent_id = driven.driven_by_agent_id
    left join team_names as segment_team on segment_team.team_id = listed.segment_value
    left join agent_names as segment_agent on segment_agent.agent_id = listed.segment_value
),

final as (
    select
        described.series_id,
        described.level,
        case when described.folded_under_series_id is null then row_number() over (
            partition by described.level, described.folded_under_series_id is null
            order by described.impact desc nulls last, described.q_value, described.series_id
        ) end as rank,
        described.folded_under_series_id,
        round(described.explained_share, 3) as explained_share,
        described.metric,
        described.metric_label,
        described.metric_detail,
        described.grain,
        described.segment_kind,
        described.segment_value,
        described.segment_label,
        described.team_id,
        team_names.team_name,
        described.chart_type,
        described.window_start,
        described.window_end,
        described.window_subgroups,
        described.baseline_value,
        described.window_value,
        described.change,
        described.is_worse,
        described.units_per_week,
        case when described.test_family <> 'mean' then described.change_per_week end
            as events_per_week,
        described.impact,
        described.series_p_value as p_value,
        described.window_p_value,
        described.windows_tested,
        described.q_value,
        described.level_series_tested,
        cast({{ attention['false_discovery_rate'] }} as double) as false_discovery_rate,
        described.window_rules_fired,
        described.driven_by_agent_id,
        round(described.driven_by_agent_share, 3) as driven_by_agent_share,
        described.metric_label
            || coalesce(' (' || described.metric_detail || ')', '')
            || case when described.change > 0 then ' up' else ' down' end
            || ' from ' || {{ format_metric_value('described.baseline_value', 'described.format') }}
            || ' to ' || {{ format_metric_value('described.window_value', 'described.format') }}
            || ' for ' || described.segment_label
            || ' since ' || {{ format_date('described.window_start', '%-d %b') }}
            || case
                when described.test_family = 'mean' then ', over ≈ '
                    || {{ format_number('described.units_per_week', ',.0f') }} || ' '
                    || described.units || ' a week'
                else ': ≈ ' || {{ format_number('described.change_per_week', ',.0f') }} || ' '
                    || case when described.change > 0 then 'more' else 'fewer' end || ' '
                    || described.events || ' a week (of ≈ '
                    || {{ format_number('described.units_per_week', ',.0f') }} || ' '
                    || described.units || ')'
            end
            || coalesce(
                case when described.driven_by_agent_share >= 1 then '; all' else '; '
                    || {{ format_number('100 * described.driven_by_agent_share', '.0f') }} || ' %'
                end || ' of the change comes from agent ' || coalesce(
                    described.driven_by_agent_name || ' (' || described.driven_by_agent_id || ')',
                    described.driven_by_agent_id),
                ''
            )
            || '.' as sentence
    from described
    left join team_names using (team_id)
)

select * from final
