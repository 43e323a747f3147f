-- Recommended actions: one ranked, plain-language list of what to do, each with its evidence
-- and a dashboard link. Four kinds, ranked kind by kind:
--   1. attention      series on the attention list (mart_spc_attention, items not folded under
--                     another): process level first, then single agents, each by the list's
--                     own rank (impact, then q-value);
--   2. missed_target  targets missed in the last complete week of their metric × segment
--                     (mart_quality_objectives: the whole interval on the bad side), by the
--                     shortfall relative to the target;
--   3. coaching       proposed coaching opportunities (mart_coaching_opportunities with a
--                     priority_rank) grouped by team × behaviour into one action naming the
--                     agents, by the CSAT points a week at stake (per agent the largest of its
--                     sources, summed over the agents);
--   4. driver         CSAT drivers outside noise (mart_csat_drivers, outcome csat, the
--                     adjusted effect's interval excluding 0; per driver the estimate from
--                     the most contacts), by |adjusted effect|.
-- An attention item names the team that carries most of its excess when the segment is wider
-- than a team (Σ (value − the item's baseline) over the window's observations, by team,
-- shown when one team has at least half of it), the coaching opportunities of that team on
-- the same question, and up to three failed contacts of the window as evidence; an item on
-- another metric (QA score, critical fails) names the question-level items of the same team
-- whose windows overlap its own, as the likely place to start.
with attention as (
    select * from {{ ref('mart_spc_attention') }}
    where rank is not null
),

objectives as (
    select * from {{ ref('mart_quality_objectives') }}
),

opportunities as (
    select * from {{ ref('mart_coaching_opportunities') }}
    where priority_rank is not null
),

coaching_evidence as (
    select * from {{ ref('mart_coaching_evidence') }}
),

drivers as (
    select * from {{ ref('mart_csat_drivers') }}
),

observations as (
    select * from {{ ref('int_metric_observations') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

questions as (
    select
        question_id,
        max_by(question_text, form_effective_from) as question_text
    from {{ ref('dim_questions') }}
    group by question_id
),

agents as (
    select * from {{ ref('dim_agents') }}
),

team_names as (
    select team_id, team_name from agents
    qualify row_number() over (partition by team_id order by valid_from desc) = 1
),

-- attention items ------------------------------------------------------------------------
attention_team_excess as (
    -- each team's part of the item's excess over its window, in the direction of the change
    select
        attention.series_id,
        observations.team_id,
        sum((observations.value - attention.baseline_value) * sign(attention.change)) as excess
    from attention
    inner join observations
        on observations.metric = attention.metric
        and observations.metric_detail = coalesce(attention.metric_detail, '')
        and cast(observations.observed_at as date)
            between attention.window_start and attention.window_end
        and {{ segment_value('attention.segment_kind', 'observations') }} = attention.segment_value
    where observations.team_id is not null
    group by all
),

attention_main_team as (
    select
        series_id,
        team_id,
        excess / nullif(sum(excess) over (partition by series_id), 0) as team_share
    from attention_team_excess
    qualify row_number() over (partition by series_id order by excess desc, team_id) = 1
),

attention_quotes as (
    -- up to three contacts of the window that failed the item's question, quoted ones first
    select
        series_id,
        {{ dbt.listagg(
            "interaction_id || coalesce(': “' || quote || '”', '')", "'; '", 'order by evidence_order'
        ) }} as quotes
    from (
        select
            attention.series_id,
            answers.interaction_id,
            coalesce(answers.evidence_text, answers.answer_comment) as quote,
            row_number() over (
                partition by attention.series_id
                order by coalesce(answers.evidence_text, answers.answer_comment) is null,
                    answers.attributed_at desc, answers.interaction_id
            ) as evidence_order
        from attention
        inner join answers
            on answers.question_id = attention.metric_detail
            and cast(answers.attributed_at as date)
                between attention.window_start and attention.window_end
            and {{ segment_value('attention.segment_kind', 'answers') }} = attention.segment_value
        where attention.metric = 'question_fail_rate'
            and answers.is_failed
            and not answers.is_na
            and (answers.is_agent_scored or answers.evaluation_type = 'auto')
        qualify row_number() over (
            partition by attention.series_id, answers.interaction_id
            order by coalesce(answers.evidence_text, answers.answer_comment) is null
        ) = 1
    )
    where evidence_order <= 3
    group by series_id
),

attention_described as (
    select
        attention.*,
        questions.question_text,
        case
            when attention.segment_kind in ('team', 'agent') then attention.team_id
            when attention_main_team.team_share >= 0.5 then attention_main_team.team_id
        end as action_team_id,
        attention_quotes.quotes,
        {{ format_date('attention.window_start', '%-d %b') }} as since
    from attention
    left join questions on questions.question_id = attention.metric_detail
    left join attention_main_team using (series_id)
    left join attention_quotes using (series_id)
),

attention_coaching as (
    -- proposed coaching of the item's team on the item's question
    select
        attention_described.series_id,
        count(distinct opportunities.agent_id) as agents_count,
        {{ sorted_list_text('opportunities.agent_name', distinct=true) }} as agent_names
    from attention_described
    inner join opportunities
        on opportunities.team_id = attention_described.action_team_id
        and opportunities.behaviour_id = attention_described.metric_detail
    group by attention_described.series_id
),

attention_related_questions as (
    -- question-level items of the same team whose window overlaps: the likely cause of a
    -- score or critical-fail item
    select
        item.series_id,
        {%- set related_question %}
            '“' || coalesce(question.question_text, question.metric_detail) || '” failing on '
                || {{ format_metric_value('question.window_value', "'percent'") }}
                || ' since ' || question.since
        {%- endset %}
        {{ dbt.listagg(related_question, "'; '", 'order by question.rank') }} as related_questions
    from attention_described as item
    inner join attention_described as question
        on question.action_team_id = item.action_team_id
        and question.metric = 'question_fail_rate'
        and question.window_start <= item.window_end
        and question.window_end >= item.window_start
        and question.is_worse
    where item.metric <> 'question_fail_rate'
    group by item.series_id
),

attention_actions as (
    select
        case attention_described.level when 'process' then 1 else 2 end as kind_order,
        attention_described.rank as order_in_kind,
        'attention' as action_kind,
        attention_described.series_id as source_id,
        attention_described.segment_label,
        attention_described.action_team_id as team_id,
        attention_described.metric,
        attention_described.metric_detail as behaviour_id,
        upper(left(attention_described.segment_label, 1))
            || substr(attention_described.segment_label, 2)
            || case
                when attention_described.segment_kind = 'agent'
                    then ' of team ' || coalesce(team_names.team_name || ' (' || attention_described.action_team_id || ')', attention_described.action_team_id)
                when attention_described.segment_kind <> 'team'
                    and attention_described.action_team_id is not null
                    then ', mostly team ' || coalesce(team_names.team_name || ' (' || attention_described.action_team_id || ')', attention_described.action_team_id)
                else ''
            end
            || ': '
            || case
                when attention_described.metric = 'question_fail_rate' then
                    '“' || coalesce(attention_described.question_text, attention_described.metric_detail) || '” failed on '
                    || {{ format_metric_value('attention_described.window_value', "'percent'") }}
                    || ' of answers since ' || attention_described.since
                    || ' (was ' || {{ format_metric_value('attention_described.baseline_value', "'percent'") }} || ')'
                else attention_described.metric_label
                    || case when attention_described.change > 0 then ' up from ' else ' down from ' end
                    || {{ format_metric_value('attention_described.baseline_value', 'metrics.format') }}
                    || ' to ' || {{ format_metric_value('attention_described.window_value', 'metrics.format') }}
                    || ' since ' || attention_described.since
            end
            || '.' as headline,
        case
            when attention_coaching.agents_count > 0 then
                'Coach the ' || attention_coaching.agents_count || ' agent(s) of the team who miss it'
                || ' more often than their peers: ' || attention_coaching.agent_names || '. '
            else ''
        end
            || case
                when attention_described.driven_by_agent_id is not null then
                    'Most of the change comes from agent ' || attention_described.driven_by_agent_id
                    || ' (' || {{ format_number('100 * attention_described.driven_by_agent_share', '.0f') }}
                    || ' % of it): start there. '
                else ''
            end
            || coalesce(
                'Listed with it for the same team: ' || attention_related_questions.related_questions
                || '; start there. ', '')
            || case
                when attention_described.metric = 'question_fail_rate' and attention_described.action_team_id is not null then
                    'Find out with team ' || coalesce(team_names.team_name || ' (' || attention_described.action_team_id || ')', attention_described.action_team_id)
                    || ' why “' || coalesce(attention_described.question_text, attention_described.metric_detail)
                    || '” stopped around ' || attention_described.since
                    || ' (a script, a system or a briefing change?) and restore it.'
                else 'Find what changed for ' || attention_described.segment_label
                    || ' around ' || attention_described.since
                    || ': open the chart and the contacts of the window.'
            end as detail,
        {{ format_date('attention_described.window_start', '%-d %b') }} || ' to '
            || {{ format_date('attention_described.window_end', '%-d %b') }} || ': '
            || {{ format_metric_value('attention_described.window_value', 'metrics.format') }}
            || ' against a baseline of '
            || {{ format_metric_value('attention_described.baseline_value', 'metrics.format') }}
            || ' (q = ' || {{ format_number('attention_described.q_value', '.2g') }}
            || coalesce('; rules fired: ' || attention_described.window_rules_fired, '') || ')'
            || coalesce('. Contacts: ' || attention_described.quotes, '') as evidence,
        'control-chart?metric=' || {{ url_encoded('attention_described.metric') }}
            || '&grain=' || {{ url_encoded('attention_described.grain') }}
            || '&segment_kind=' || {{ url_encoded('attention_described.segment_kind') }}
            || '&segment_value=' || {{ url_encoded('attention_described.segment_value') }}
            || coalesce('&detail=' || {{ url_encoded('attention_described.metric_detail') }}, '')
            || '&window_start=' || {{ format_date('attention_described.window_start', '%Y-%m-%d') }}
            || '&window_end=' || {{ format_date('attention_described.window_end', '%Y-%m-%d') }} as link,
        attention_described.impact,
        'units a week × change in unit standard deviations (the attention list''s impact)'
            as impact_unit
    from attention_described
    inner join {{ ref('dim_metrics') }} as metrics using (metric)
    left join attention_coaching using (series_id)
    left join attention_related_questions using (series_id)
    left join team_names on team_names.team_id = attention_described.action_team_id
),

-- missed targets -------------------------------------------------------------------------
last_complete_weeks as (
    select * from objectives
    where grain = 'week' and is_period_complete
    qualify row_number() over (partition by metric, segment order by period_start desc) = 1
),

missed_actions as (
    select
        3 as kind_order,
        row_number() over (
            order by abs(actual - target) / nullif(abs(target), 0) desc nulls last,
                metric, segment
        ) as order_in_kind,
        'missed_target' as action_kind,
        metric || '|' || segment || '|week|' || {{ format_date('period_start', '%Y-%m-%d') }} as source_id,
        segment_label,
        case segment_kind when 'team' then segment_value end as team_id,
        metric,
        cast(null as string) as behaviour_id,
        upper(left(segment_label, 1)) || substr(segment_label, 2) || ': ' || metric_label || ' '
            || {{ format_metric_value('actual', 'format') }}
            || ' in the week of ' || {{ format_date('period_start', '%-d %b') }}
            || ', target ' || case direction when 'higher' then 'at least ' else 'at most ' end
            || {{ format_metric_value('target', 'format') }} || ' (missed).' as headline,
        case spc_state
            when 'signalling' then
                'The weekly control chart signals a special cause that week: find what changed'
                || ' and put it right.'
            when 'improving' then
                'The weekly chart shows an improvement under way, not yet enough: keep it going'
                || ' and check next week.'
            when 'in control' then
                'The weekly control chart is in control: the process as it runs misses the target,'
                || ' so change the process (coaching, scripts, staffing); a one-off cause will not'
                || ' be found.'
            else 'There is no weekly control chart for this segment: check its contacts.'
        end as detail,
        sentence as evidence,
        'control-chart?metric=' || {{ url_encoded('metric') }}
            || '&grain=week'
            || '&segment_kind=' || {{ url_encoded('segment_kind') }}
            || '&segment_value=' || {{ url_encoded('segment_value') }}
            || '&window_start=' || {{ format_date('period_start', '%Y-%m-%d') }}
            || '&window_end=' || {{ format_date('period_end', '%Y-%m-%d') }} as link,
        abs(actual - target) * case format when 'percent' then 100 else 1 end as impact,
        unit || ' beyond the target' as impact_unit
    from last_complete_weeks
    where status = 'missed'
),

-- coaching -------------------------------------------------------------------------------
coaching_agents as (
    -- one row per team × behaviour × agent (an agent proposed from several sources once)
    select
        team_id,
        any_value(team_name) as team_name,
        behaviour_id,
        agent_id,
        any_value(agent_name) as agent_name,
        min_by(behaviour_label, priority_rank) as behaviour_label,
        min(priority_rank) as priority_rank,
        max(expected_csat_points_per_week) as expected_csat_points_per_week,
        min_by(agent_miss_rate, priority_rank) as agent_miss_rate,
        min_by(peer_miss_rate, priority_rank) as peer_miss_rate,
        min_by(source, priority_rank) as source
    from opportunities
    group by team_id, behaviour_id, agent_id
),

coaching_quotes as (
    -- each agent's first piece of evidence from the source that proposed it first
    select
        coaching_agents.team_id,
        coaching_agents.behaviour_id,
        {{ dbt.listagg(
            "coaching_agents.agent_name || ': ' || coaching_evidence.interaction_id"
                ~ " || coalesce(' “' || coaching_evidence.quote || '”', '')",
            "'; '", 'order by coaching_agents.priority_rank'
        ) }} as quotes
    from coaching_agents
    inner join coaching_evidence
        on coaching_evidence.agent_id = coaching_agents.agent_id
        and coaching_evidence.source = coaching_agents.source
        and coaching_evidence.behaviour_id = coaching_agents.behaviour_id
        and coaching_evidence.evidence_rank = 1
    group by coaching_agents.team_id, coaching_agents.behaviour_id
),

coaching_groups as (
    select
        team_id,
        any_value(team_name) as team_name,
        behaviour_id,
        min_by(behaviour_label, priority_rank) as behaviour_label,
        count(*) as agents_count,
        {%- set agent_with_rates %}
            agent_name || ' (' || {{ format_number('100 * agent_miss_rate', '.0f') }}
                || ' % against ' || {{ format_number('100 * peer_miss_rate', '.0f') }}
                || ' % for the team)'
        {%- endset %}
        {{ dbt.listagg(agent_with_rates, "', '", 'order by priority_rank') }} as agent_list,
        min_by(source, priority_rank) as source,
        sum(coalesce(expected_csat_points_per_week, 0)) as csat_points_per_week,
        min(priority_rank) as best_priority_rank
    from coaching_agents
    group by team_id, behaviour_id
),

coaching_actions as (
    select
        4 as kind_order,
        row_number() over (
            order by coaching_groups.csat_points_per_week desc, coaching_groups.best_priority_rank
        ) as order_in_kind,
        'coaching' as action_kind,
        coaching_groups.team_id || '|' || coaching_groups.behaviour_id as source_id,
        {{ segment_label("'team'", 'coaching_groups.team_id', 'coaching_groups.team_name', 'null') }}
            as segment_label,
        coaching_groups.team_id,
        cast(null as string) as metric,
        coaching_groups.behaviour_id,
        upper(left({{ segment_label("'team'", 'coaching_groups.team_id', 'coaching_groups.team_name', 'null') }}, 1))
            || substr({{ segment_label("'team'", 'coaching_groups.team_id', 'coaching_groups.team_name', 'null') }}, 2)
            || ': ' || coaching_groups.agents_count
            || case when coaching_groups.agents_count = 1 then ' agent ' else ' agents ' end
            || case
                when coaching_groups.source = 'friction' then
                    case when coaching_groups.agents_count = 1 then 'has “' else 'have “' end
                    || coaching_groups.behaviour_label || '” on more contacts than'
                else
                    case when coaching_groups.agents_count = 1 then 'misses “' else 'miss “' end
                    || coaching_groups.behaviour_label || '” more often than'
            end
            || ' the rest of the team.' as headline,
        'Coach '
            || case when coaching_groups.agents_count = 1 then ''
                else 'the ' || coaching_groups.agents_count || ' agents: ' end
            || coaching_groups.agent_list
            || '; about ' || {{ format_number('coaching_groups.csat_points_per_week', '.1f') }}
            || ' CSAT points a week at stake.'
            as detail,
        coalesce('Contacts: ' || coaching_quotes.quotes, 'No quoted contact.') as evidence,
        'coaching?team=' || {{ url_encoded('coaching_groups.team_id') }} as link,
        coaching_groups.csat_points_per_week as impact,
        'CSAT points a week' as impact_unit
    from coaching_groups
    left join coaching_quotes using (team_id, behaviour_id)
),

-- drivers --------------------------------------------------------------------------------
csat_drivers as (
    select * from drivers
    where outcome = 'csat' and not is_within_noise and adjusted_effect is not null
    qualify row_number() over (
        partition by driver_kind, driver_id order by contacts desc, source
    ) = 1
),

driver_actions as (
    select
        5 as kind_order,
        row_number() over (order by abs(adjusted_effect) desc, driver_id) as order_in_kind,
        'driver' as action_kind,
        source || '|' || driver_id as source_id,
        'the whole centre' as segment_label,
        cast(null as string) as team_id,
        cast(null as string) as metric,
        driver_id as behaviour_id,
        'The whole centre: “' || driver_label || '” '
            || case when adjusted_effect > 0 then 'adds ' else 'costs ' end
            || {{ format_number('abs(adjusted_effect)', '.2f') }} || ' CSAT points a contact.' as headline,
        case
            when adjusted_effect > 0 then 'Make it a coaching focus: contacts where “'
                || driver_label || '” score '
            else 'Reduce it: contacts where “' || driver_label || '” score '
        end
            || {{ format_number('abs(adjusted_effect)', '.2f') }} || ' ('
            || {{ format_number(
                'abs(case when adjusted_effect > 0 then adjusted_lower else adjusted_upper end)', '.2f'
            ) }} || ' to '
            || {{ format_number(
                'abs(case when adjusted_effect > 0 then adjusted_upper else adjusted_lower end)', '.2f'
            ) }} || ')'
            || ' CSAT points '
            || case when adjusted_effect > 0 then 'higher' else 'lower' end
            || ', the other behaviours, channel and contact reason held equal.' as detail,
        sentence as evidence,
        'customer?outcome=csat&drivers=' || {{ url_encoded('source') }} as link,
        abs(adjusted_effect) as impact,
        'CSAT points a contact' as impact_unit
    from csat_drivers
),

all_actions as (
    {%- for actions in ['attention_actions', 'missed_actions', 'coaching_actions', 'driver_actions'] %}
    {{ 'union all' if not loop.first }}
    select
        kind_order, order_in_kind, action_kind, source_id, segment_label, team_id, metric,
        behaviour_id, headline, detail, evidence, link, impact, impact_unit
    from {{ actions }}
    {%- endfor %}
),

final as (
    select
        cast(row_number() over (order by kind_order, order_in_kind, source_id) as integer)
            as action_rank,
        action_kind,
        source_id,
        segment_label,
        team_id,
        metric,
        behaviour_id,
        headline,
        detail,
        evidence,
        link,
        impact,
        impact_unit
    from all_actions
)

select * from final
