-- Coaching opportunities: per agent × team × source × behaviour over the coaching window (the
-- last var('coaching').window_days days of contact data), the agent's miss rate against the
-- peers' (the team's other agents) and what closing the gap is worth.
--   source     human (people's evaluations) | machine (the machine's, every transcript) |
--              friction (a friction flag of the contact: a miss is the flag present)
--   miss rate  misses / observations, Wilson interval; gap = agent − peers, Newcombe interval
--   test       one-sided Fisher exact test, Benjamini–Hochberg across the team
--              (int_coaching_tests); is_significant at var('coaching').false_discovery_rate
--   impact     contacts per week × gap × what one miss costs: the behaviour's adjusted CSAT
--              effect (mart_csat_drivers, the machine's answers for questions, the transcript
--              for friction flags; 0 when a miss does not lower CSAT) in CSAT points a week,
--              and the same with customer-reported resolution in resolutions a week
--   coached    is_recently_coached: coached on the behaviour within
--              var('coaching').recently_coached_days before the window's end; such a row keeps
--              its figures but gets no priority_rank (it is not proposed again)
--   priority   priority_rank 1.. over significant, not recently coached rows, by CSAT impact,
--              then the gap
-- Three evidence contacts per row are in mart_coaching_evidence.
{%- set settings = var('coaching') %}
{%- set flags = var('conversation')['friction_flags'] %}
with counts as (
    select * from {{ ref('int_coaching_counts') }}
),

tests as (
    select * from {{ ref('int_coaching_tests') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
    where is_current
),

teams as (
    select
        team_id,
        min_by(team_name, case when team_name is not null then agent_id end) as team_name,
        min_by(supervisor_id, case when supervisor_id is not null then agent_id end) as supervisor_id,
        min_by(site, case when site is not null then agent_id end) as site,
        min_by(vendor, case when vendor is not null then agent_id end) as vendor
    from agents
    group by team_id
),

interactions as (
    select * from {{ ref('fct_interactions') }}
),

questions as (
    select * from {{ ref('dim_questions') }}
),

drivers as (
    select * from {{ ref('mart_csat_drivers') }}
),

sessions as (
    select * from {{ ref('stg_coaching_sessions') }}
),

behaviour_labels as (
    select
        question_id as behaviour_id,
        max_by(question_text, form_version) as behaviour_label
    from questions
    group by question_id
    union all
    select * from (
        values {% for flag in flags %}('{{ flag.flag }}', '{{ flag.label }}'){{ ',' if not loop.last }}
        {% endfor %}
    ) as flags (behaviour_id, behaviour_label)
),

agent_volumes as (
    select
        counts.agent_id,
        count(*) / ({{ settings['window_days'] }} / cast(7 as double)) as contacts_per_week
    from (select distinct agent_id, window_start, window_end from counts) as counts
    inner join interactions
        on counts.agent_id = interactions.agent_id
        and interactions.interaction_date between counts.window_start and counts.window_end
    where not interactions.is_abandoned
    group by counts.agent_id
),

miss_costs as (
    select
        case source when 'transcript' then 'friction' else 'machine' end as cost_source,
        driver_id as behaviour_id,
        cast(max(case when outcome = 'csat' then adjusted_effect end) as double) as csat_effect,
        cast(max(case when outcome = 'customer_reported_resolved' then adjusted_effect end) as double)
            as resolution_effect
    from drivers
    where source in ('machine', 'transcript')
    group by all
),

coached as (
    select
        agent_id,
        behaviour_id,
        max(held_at) as last_coached_at
    from (
        select agent_id, held_at, {{ unnest_list('question_ids', 'behaviour_id') }}
        from sessions
    )
    group by all
),

rates as (
    select
        counts.*,
        tests.p_value,
        tests.q_value,
        tests.is_tested,
        tests.is_significant,
        tests.family_size,
        counts.agent_misses / counts.agent_units as agent_miss_rate,
        {{ wilson_bound('counts.agent_misses', 'counts.agent_units', normal_quantile(), -1) }}
            as agent_miss_lower,
        {{ wilson_bound('counts.agent_misses', 'counts.agent_units', normal_quantile(), 1) }}
            as agent_miss_upper,
        case when counts.peer_units > 0 then counts.peer_misses / counts.peer_units end
            as peer_miss_rate,
        {{ wilson_bound('counts.peer_misses', 'counts.peer_units', normal_quantile(), -1) }}
            as peer_miss_lower,
        {{ wilson_bound('counts.peer_misses', 'counts.peer_units', normal_quantile(), 1) }}
            as peer_miss_upper
    from counts
    inner join tests using (agent_id, team_id, source, behaviour_id)
),

scored as (
    select
        rates.*,
        agent_miss_rate - peer_miss_rate as gap,
        {{ newcombe_bound('agent_miss_rate', 'agent_miss_lower', 'agent_miss_upper',
                          'peer_miss_rate', 'peer_miss_lower', 'peer_miss_upper', -1) }}
            as gap_lower,
        {{ newcombe_bound('agent_miss_rate', 'agent_miss_lower', 'agent_miss_upper',
                          'peer_miss_rate', 'peer_miss_lower', 'peer_miss_upper', 1) }}
            as gap_upper,
        coalesce(agent_volumes.contacts_per_week, 0) as contacts_per_week,
        -- what one miss costs: passing a question raises CSAT by its effect; a friction flag
        -- present changes it by its effect
        case
            when rates.source = 'friction' then -miss_costs.csat_effect
            else miss_costs.csat_effect
        end as csat_points_per_miss,
        case
            when rates.source = 'friction' then -miss_costs.resolution_effect
            else miss_costs.resolution_effect
        end as resolutions_per_miss,
        coached.last_coached_at,
        coalesce(
            cast(coached.last_coached_at as date)
            > rates.window_end - {{ settings['recently_coached_days'] }},
            false
        ) as is_recently_coached
    from rates
    left join agent_volumes using (agent_id)
    left join miss_costs
        on miss_costs.behaviour_id = rates.behaviour_id
        and miss_costs.cost_source = case rates.source when 'friction' then 'friction' else 'machine' end
    left join coached
        on coached.agent_id = rates.agent_id
        and coached.behaviour_id = rates.behaviour_id
        and cast(coached.last_coached_at as date) <= rates.window_end
),

impacts as (
    select
        scored.*,
        contacts_per_week * greatest(gap, 0) * greatest(coalesce(csat_points_per_miss, 0), 0)
            as expected_csat_points_per_week,
        contacts_per_week * greatest(gap, 0) * greatest(coalesce(resolutions_per_miss, 0), 0)
            as expected_resolutions_per_week
    from scored
),

ranked as (
    select
        impacts.*,
        case
            when is_significant and not is_recently_coached
                then row_number() over (
                    partition by is_significant and not is_recently_coached
                    order by expected_csat_points_per_week desc, gap desc, agent_id, behaviour_id
                )
        end as priority_rank
    from impacts
),

final as (
    select
        ranked.agent_id,
        agents.agent_name,
        ranked.team_id,
        teams.team_name,
        teams.supervisor_id,
        teams.site,
        teams.vendor,
        ranked.source,
        ranked.behaviour_id,
        behaviour_labels.behaviour_label,
        ranked.window_start,
        ranked.window_end,
        cast(ranked.agent_units as integer) as agent_units,
        cast(ranked.agent_misses as integer) as agent_misses,
        ranked.agent_miss_rate,
        ranked.agent_miss_lower,
        ranked.agent_miss_upper,
        cast(ranked.peer_units as integer) as peer_units,
        cast(ranked.peer_misses as integer) as peer_misses,
        ranked.peer_miss_rate,
        ranked.peer_miss_lower,
        ranked.peer_miss_upper,
        ranked.gap,
        ranked.gap_lower,
        ranked.gap_upper,
        ranked.p_value,
        ranked.q_value,
        cast(ranked.family_size as integer) as tests_in_team,
        ranked.is_tested,
        ranked.is_significant,
        ranked.contacts_per_week,
        ranked.csat_points_per_miss,
        ranked.expected_csat_points_per_week,
        ranked.resolutions_per_miss,
        ranked.expected_resolutions_per_week,
        ranked.last_coached_at,
        ranked.is_recently_coached,
        cast(ranked.priority_rank as integer) as priority_rank,
        case
            when not ranked.is_tested
                then 'Not enough data: ' || ranked.agent_units || ' observations of the agent in the window.'
            else
                coalesce(agents.agent_name, ranked.agent_id)
                || case ranked.source
                    when 'friction' then ': "' || behaviour_labels.behaviour_label || '" on '
                    else ' missed "' || behaviour_labels.behaviour_label || '" on '
                end
                || {{ format_number('100 * ranked.agent_miss_rate', '.0f') }} || ' % of '
                || ranked.agent_units || case ranked.source
                    when 'human' then ' evaluated contacts'
                    when 'machine' then ' machine-scored contacts'
                    else ' contacts'
                end
                || ' against ' || {{ format_number('100 * ranked.peer_miss_rate', '.0f') }}
                || ' % for the rest of the team (gap '
                || {{ format_number('100 * ranked.gap', '.0f') }} || ' points, '
                || {{ format_number('100 * ranked.gap_lower', '.0f') }} || ' to '
                || {{ format_number('100 * ranked.gap_upper', '.0f') }} || ')'
                || case
                    when ranked.is_recently_coached
                        then '; already coached on it on '
                        || {{ format_date('ranked.last_coached_at', '%-d %b') }} || '.'
                    when not ranked.is_significant
                        then '; within what chance gives across the team.'
                    when ranked.expected_csat_points_per_week > 0
                        then '; about ' || {{ format_number('ranked.expected_csat_points_per_week', '.1f') }}
                        || ' CSAT points a week at stake.'
                    else '; no measurable CSAT effect.'
                end
        end as sentence
    from ranked
    left join agents using (agent_id)
    left join teams on ranked.team_id = teams.team_id
    left join behaviour_labels using (behaviour_id)
)

select * from final
