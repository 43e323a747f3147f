-- What the customer said (CSAT, customer-reported resolution) beside what happened on the
-- contact, one row per surveyed contact × driver: the input of mart_csat_drivers and of its
-- regression (int_csat_driver_estimates). A driver is met (is_met) or not, or does not apply
-- (is_met null: a question answered N/A, dead air off voice, a sentiment measure without a
-- customer turn). Three sources, never mixed:
--   machine     every question of the machine evaluation (evaluation_type auto), on
--               surveyed, answered contacts with a transcript;
--   human       every question of the latest people-scored evaluation (is_agent_scored),
--               on surveyed contacts with one (a person can score a contact without a
--               transcript, so none is required);
--   transcript  the friction flags (var('conversation').friction_flags) and the dichotomised
--               sentiment measures below, from
--               fct_interactions, on surveyed, answered contacts with a transcript.
-- A question is met when its answer earns full points (yes, or the top of a scale), not
-- merely "not failed": the machine scores empathy 4 (line found) or 2 (not found), and 2 is
-- not a fail under the less-than-half-the-points rule, so "passed" would be met everywhere.
{%- set conversation = var('conversation') %}
{#- The friction flags are var('conversation').friction_flags (flag column and label); what
    "met" means and the clause a sentence reads ("Contacts where …") for each: #}
{%- set flag_wording = {
    'has_escalation_request': (
        'The customer asked for a manager, to escalate, to complain formally or to cancel',
        'the customer asked to escalate'),
    'has_repetition': (
        'A repetition cue or two customer turns restating the same words',
        'the customer had to repeat themselves'),
    'has_long_hold': (
        'Hold over ' ~ conversation['long_hold_seconds'] ~ ' seconds in all, or one hold over '
        ~ conversation['long_single_hold_seconds'] ~ ' seconds',
        'the customer was put on a long hold'),
    'has_transfer': ('The contact was transferred', 'the contact was transferred'),
    'has_dead_air': (
        'A silence over ' ~ conversation['dead_air_gap_seconds']
        ~ ' seconds between turns (voice only; other channels do not apply)',
        'the call had dead air'),
    'has_repeat_within_7_days': (
        'The same customer contacted again within 7 days after the contact',
        'the customer had to contact again within 7 days'),
    'has_negative_ending': (
        "The customer's last turn is negative (VADER compound at or below "
        ~ conversation['negative_ending_compound'] ~ ')',
        "the customer's last turn was negative"),
} %}
{#- (id, label, what "met" means, clause, condition on fct_interactions; null when the
    measure is null: no customer turn, or no agent turn) #}
{%- set sentiment_measures = [
    ('customer_starts_negative', 'Customer starts negative',
     "The customer's first turn is negative (compound at or below "
     ~ conversation['negative_ending_compound'] ~ ')',
     'the customer started negative',
     'customer_sentiment_start <= ' ~ conversation['negative_ending_compound']),
    ('customer_strongly_negative_turn', 'A strongly negative customer turn',
     "The customer's most negative turn has a compound at or below -0.5",
     'the customer had a strongly negative turn',
     'customer_sentiment_min <= -0.5'),
    ('customer_sentiment_improves', 'Customer sentiment improves',
     "The customer's last turn is more positive than the first (compound change above 0)",
     "the customer's sentiment improved during the contact",
     'customer_sentiment_change > 0'),
    ('agent_positive', 'Agent sounds positive',
     "The mean compound of the agent's turns is at least 0.05 (VADER's positive threshold)",
     "the agent's turns were positive on average",
     'agent_sentiment_mean >= 0.05'),
] %}

with interactions as (
    select * from {{ ref('fct_interactions') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

questions as (
    select * from {{ ref('dim_questions') }}
),

-- Contacts with a survey that gave at least one of the two outcomes.
surveyed as (
    select
        interaction_id,
        channel,
        coalesce(contact_reason, '(none)') as contact_reason,
        has_transcript and not is_abandoned as is_machine_readable,
        cast(csat as double) as csat,
        cast(is_customer_reported_resolved as double) as customer_reported_resolved
    from interactions
    where survey_id is not null
        and (csat is not null or is_customer_reported_resolved is not null)
),

-- The question's wording on its latest form version (the first form by id that has it).
question_labels as (
    select
        question_id,
        question_text
    from questions
    qualify row_number() over (
        partition by question_id order by form_id, form_version desc
    ) = 1
),

-- The machine's answer to each question (the first form by id, as fct_interactions'
-- machine_score) and the latest people-scored answer of the contact. Only surveyed
-- contacts are ranked (the choice is per contact, so leaving the others out first changes
-- nothing): a seventh of the answers, not all of them.
question_answers as (
    select
        case when evaluation_type = 'auto' then 'machine' else 'human' end as source,
        interaction_id,
        question_id,
        case when not is_na then question_score = 1 end as is_met
    from answers
    where (evaluation_type = 'auto' or is_agent_scored)
        and interaction_id in (select interaction_id from surveyed)
    qualify row_number() over (
        partition by interaction_id, question_id, evaluation_type = 'auto'
        order by
            case when evaluation_type = 'auto' then form_id end,
            submitted_at desc,
            evaluation_id desc
    ) = 1
),

question_observations as (
    select
        surveyed.interaction_id,
        question_answers.source,
        'question' as driver_kind,
        question_answers.question_id as driver_id,
        coalesce(question_labels.question_text, question_answers.question_id) as driver_label,
        case question_answers.source
            when 'machine' then 'The machine evaluation answers yes (full points)'
            else 'The latest people-scored evaluation answers yes (full points)'
        end as met_meaning,
        -- "Agent checked the issue was resolved" → "the agent checked the issue was resolved"
        case
            when question_labels.question_text ilike 'agent %'
                then 'the agent ' || substr(question_labels.question_text, 7)
            else 'the answer to "'
                || coalesce(question_labels.question_text, question_answers.question_id)
                || '" was yes'
        end as met_clause,
        question_answers.is_met
    from question_answers
    inner join surveyed
        on question_answers.interaction_id = surveyed.interaction_id
    left join question_labels
        on question_answers.question_id = question_labels.question_id
    where question_answers.source = 'human' or surveyed.is_machine_readable
),

-- The friction flags and sentiment measures of the surveyed, machine-readable contacts, a
-- column each, read in one pass over fct_interactions (not one pass per driver).
transcript_drivers as (
    select
        interactions.interaction_id,
        {%- for item in conversation['friction_flags'] %}
        {%- if item['flag'] == 'has_dead_air' %}
        case when interactions.channel = 'voice' then interactions.has_dead_air end
            as has_dead_air,
        {%- else %}
        interactions.{{ item['flag'] }},
        {%- endif %}
        {%- endfor %}
        {%- for measure, label, meaning, clause, condition in sentiment_measures %}
        interactions.{{ condition }} as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from interactions
    inner join surveyed
        on interactions.interaction_id = surveyed.interaction_id
    where surveyed.is_machine_readable
),

transcript_wording (driver_kind, driver_id, driver_label, met_meaning, met_clause) as (
    values
    {%- for item in conversation['friction_flags'] %}
    {%- set flag, label = item['flag'], item['label'] %}
    {%- set meaning, clause = flag_wording.get(
        flag, (flag ~ ' is true', 'the contact was flagged "' ~ label ~ '"')
    ) %}
    ('friction', '{{ flag }}', '{{ label | replace("'", "''") }}',
     '{{ meaning | replace("'", "''") }}', '{{ clause | replace("'", "''") }}'),
    {%- endfor %}
    {%- for measure, label, meaning, clause, condition in sentiment_measures %}
    ('sentiment', '{{ measure }}', '{{ label | replace("'", "''") }}',
     '{{ meaning | replace("'", "''") }}', '{{ clause | replace("'", "''") }}')
    {{- ',' if not loop.last }}
    {%- endfor %}
),

-- one row per contact and driver, a driver that does not apply included (is_met null)
transcript_observations as (
    select
        unpivoted.interaction_id,
        'transcript' as source,
        transcript_wording.driver_kind,
        unpivoted.driver_id,
        transcript_wording.driver_label,
        transcript_wording.met_meaning,
        transcript_wording.met_clause,
        unpivoted.is_met
    from transcript_drivers
    unpivot include nulls (
        is_met for driver_id in (
            {%- for item in conversation['friction_flags'] %}
            {{ item['flag'] }},
            {%- endfor %}
            {%- for measure in sentiment_measures %}
            {{ measure[0] }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
    ) as unpivoted
    inner join transcript_wording
        on unpivoted.driver_id = transcript_wording.driver_id
),

observations as (
    select * from question_observations
    union all
    select * from transcript_observations
),

final as (
    select
        observations.interaction_id,
        observations.source,
        observations.driver_kind,
        observations.driver_id,
        observations.driver_label,
        observations.met_meaning,
        observations.met_clause,
        observations.is_met,
        surveyed.channel,
        surveyed.contact_reason,
        surveyed.csat,
        surveyed.customer_reported_resolved,
        {{ scorecard_confidence() }} as confidence_level,
        cast({{ var('customer')['drivers_min_contacts'] }} as bigint) as min_contacts
    from observations
    inner join surveyed
        on observations.interaction_id = surveyed.interaction_id
)

select * from final
