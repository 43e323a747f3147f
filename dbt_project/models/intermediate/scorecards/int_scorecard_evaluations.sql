-- The evaluations behind the scorecards, once per period grain: every scored evaluation of a
-- person (evaluation_type standard, source `human`) or of the machine (auto, source
-- `machine`) at its latest revision, in the ISO week (Monday) and the calendar month of the
-- contact's start (attributed_at, as everywhere else). Calibration evaluations measure
-- evaluators, not agents, and are left out; so is an evaluation without a score (every
-- section N/A). The team is the agent's team on the contact's day (fct_evaluations).
-- A period is complete once the warehouse's contacts reach its last day plus the days its
-- evaluations take to land (complete_after_days of the registry's qa_score for people and
-- machine_qa_score for the machine); before that its figures still grow. A person's
-- evaluation of a contact the evaluation queue selected carries the contact's sampling
-- weight (1/π), for the scorecards' inverse-probability-weighted means.
{% set arrival_days = {} %}
{% for metric in var('metrics') if metric.metric in ['qa_score', 'machine_qa_score'] %}
    {% do arrival_days.update({metric.metric: metric.complete_after_days}) %}
{% endfor %}

with evaluations as (
    select * from {{ ref('fct_evaluations') }}
    where evaluation_type in ('standard', 'auto')
        and score is not null
),

-- contacts the evaluation queue selected, with their sampling weight 1/π
queue_selections as (
    select interaction_id, sampling_weight from {{ ref('mart_evaluation_queue') }}
    where is_selected
),

last_contact_day as (
    select max(interaction_date) as last_day from {{ ref('fct_interactions') }}
),

sourced as (
    select
        *,
        case when is_agent_scored then 'human' else 'machine' end as source
    from evaluations
),

periods as (
    {% for grain in ['week', 'month'] %}
        select
            evaluation_id,
            '{{ grain }}' as period_grain,
            cast({{ dbt.date_trunc(grain, 'attributed_at') }} as date) as period_start,
            cast(
                {{ dbt.dateadd(grain, 1, dbt.date_trunc(grain, 'attributed_at')) }} as date
            ) as next_period_start,
            cast(
                {{ dbt.dateadd(grain, -1, dbt.date_trunc(grain, 'attributed_at')) }} as date
            ) as previous_period_start
        from sourced
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        sourced.evaluation_id,
        sourced.source,
        periods.period_grain,
        periods.period_start,
        cast({{ dbt.dateadd('day', -1, 'periods.next_period_start') }} as date) as period_end,
        periods.previous_period_start,
        case sourced.source
            when 'human' then {{ dbt.dateadd(
                'day', arrival_days['qa_score'] - 1, 'periods.next_period_start'
            ) }}
            else {{ dbt.dateadd(
                'day', arrival_days['machine_qa_score'] - 1, 'periods.next_period_start'
            ) }}
        end <= last_contact_day.last_day as is_period_complete,
        sourced.agent_id,
        sourced.team_id,
        sourced.team_name,
        sourced.site,
        sourced.form_id,
        sourced.form_version,
        sourced.attributed_at,
        sourced.score,
        sourced.is_critical_fail,
        case when sourced.source = 'human' then queue_selections.sampling_weight end
            as queue_sampling_weight
    from sourced
    inner join periods
        on sourced.evaluation_id = periods.evaluation_id
    cross join last_contact_day
    left join queue_selections
        on sourced.interaction_id = queue_selections.interaction_id
)

select * from final
