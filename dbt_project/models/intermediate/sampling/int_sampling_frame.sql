-- The evaluation queue's sample frame: for each complete ISO week W of contacts (the
-- warehouse holds contacts of its Sunday), the contacts handled in W that no person had
-- evaluated (no standard evaluation first submitted) before W ended; evaluators work them in
-- the following week (queue_week_start = W + 7 days). With the machine's flags and the size
-- measure they give: each raised flag multiplies the contact's weight by its factor in
-- var('scorecards').queue_oversample:
--   machine_critical_fail  the machine's evaluation has a form-level critical fail
--   negative_sentiment     the customer's most negative turn is below
--                          queue_negative_sentiment_below (VADER compound)
--   escalation             the customer asked for a manager, to complain or to cancel
--   low_agreement          the machine marked the contact down (question score below full
--                          marks) on a question whose Cohen's κ with people
--                          (mart_machine_agreement) is below queue_low_agreement_kappa
-- Contacts without a transcript raise no machine flag (size measure 1).
{% set scorecards = var('scorecards') %}
{% set oversample = scorecards['queue_oversample'] %}
{% set flags = ['machine_critical_fail', 'negative_sentiment', 'escalation', 'low_agreement'] %}

with interactions as (
    select * from {{ ref('fct_interactions') }}
),

revisions as (
    select * from {{ ref('int_evaluations_combined') }}
    where evaluation_type = 'standard'
),

machine_answers as (
    select * from {{ ref('fct_evaluation_answers') }}
    where evaluation_type = 'auto' and not is_na
),

agreement as (
    select * from {{ ref('mart_machine_agreement') }}
),

latest_day as (
    select max(interaction_date) as interaction_date from interactions
),

complete_weeks as (
    select distinct interactions.week_start
    from interactions
    cross join latest_day
    where {{ dbt.dateadd('day', 6, 'interactions.week_start') }} <= latest_day.interaction_date
),

first_evaluations as (
    select
        interaction_id,
        min(submitted_at) as first_submitted_at
    from revisions
    group by interaction_id
),

low_agreement_contacts as (
    select distinct machine_answers.interaction_id
    from machine_answers
    inner join agreement
        on machine_answers.form_id = agreement.form_id
        and machine_answers.question_id = agreement.question_id
    where agreement.kappa < {{ scorecards['queue_low_agreement_kappa'] }}
        and machine_answers.question_score < 1
),

handled as (
    select
        interactions.interaction_id,
        interactions.agent_id,
        interactions.team_id,
        interactions.channel,
        interactions.interaction_date,
        interactions.week_start,
        coalesce(interactions.is_machine_critical_fail, false) as flag_machine_critical_fail,
        coalesce(
            interactions.customer_sentiment_min
            < {{ scorecards['queue_negative_sentiment_below'] }},
            false
        ) as flag_negative_sentiment,
        coalesce(interactions.has_escalation_request, false) as flag_escalation,
        low_agreement_contacts.interaction_id is not null as flag_low_agreement
    from interactions
    inner join complete_weeks
        on interactions.week_start = complete_weeks.week_start
    left join first_evaluations
        on interactions.interaction_id = first_evaluations.interaction_id
    left join low_agreement_contacts
        on interactions.interaction_id = low_agreement_contacts.interaction_id
    where not interactions.is_abandoned
        and interactions.agent_id is not null
        and (
            first_evaluations.first_submitted_at is null
            or first_evaluations.first_submitted_at
            >= {{ dbt.dateadd('day', 7, 'interactions.week_start') }}
        )
),

final as (
    select
        interaction_id,
        agent_id,
        team_id,
        channel,
        interaction_date,
        week_start,
        cast({{ dbt.dateadd('day', 7, 'week_start') }} as date) as queue_week_start,
        {% for flag in flags -%}
        flag_{{ flag }},
        {% endfor -%}
        cast(
            {% for flag in flags -%}
            (case when flag_{{ flag }} then {{ oversample[flag] }} else 1 end)
            {%- if not loop.last %} * {% endif %}
            {% endfor -%}
            as double
        ) as size_measure,
        nullif(concat_ws(
            '; ',
            {% for flag in flags -%}
            case when flag_{{ flag }} then '{{ flag }}' end
            {%- if not loop.last %},{% endif %}
            {% endfor -%}
        ), '') as raised_by
    from handled
)

select * from final
