-- What coaching opportunities are counted from: one row per observation of a behaviour of an
-- agent in the window of var('coaching').window_days days ending on the last day of contact
-- data (window_start, window_end: the same on every row).
--   source 'human'    a standard evaluation's answer to a question (not N/A)
--   source 'machine'  the machine evaluation's answer to a question (not N/A)
--   source 'friction' a contact with a transcript, for each friction flag of
--                     var('conversation').friction_flags that applies (dead air: voice)
-- is_miss: the answer did not earn the question's full points (a `no`, or less than the top
-- of a scale: what CSAT drivers call not met) or the flag is present. A miss carries its evidence: the evaluator's comment, the machine's evidence turn,
-- or the first transcript turn with the flag's cue (its figures when it has no cue).
{%- set window_days = var('coaching')['window_days'] %}
{%- set flags = var('conversation')['friction_flags'] %}
with answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

interactions as (
    select * from {{ ref('fct_interactions') }}
),

turns as (
    select * from {{ ref('fct_transcript_turns') }}
),

window_range as (
    select
        max(interaction_date) as window_end,
        max(interaction_date) - {{ window_days - 1 }} as window_start
    from interactions
),

answer_observations as (
    select
        case answers.evaluation_type when 'auto' then 'machine' else 'human' end as source,
        answers.question_id as behaviour_id,
        answers.agent_id,
        answers.team_id,
        answers.attributed_at as observed_at,
        answers.interaction_id,
        answers.evaluation_id,
        answers.question_score < 1 as is_miss,
        answers.evidence_turn_index,
        coalesce(answers.answer_comment, answers.evidence_text) as quote
    from answers
    cross join window_range
    where not answers.is_na
        and (answers.evaluation_type = 'auto' or answers.is_agent_scored)
        -- the window's days as a timestamp range (not a cast per row): the same answers
        and answers.attributed_at >= cast(window_range.window_start as timestamp)
        and answers.attributed_at < cast(window_range.window_end + 1 as timestamp)
),

window_contacts as (
    select interactions.*
    from interactions
    cross join window_range
    where interactions.has_transcript
        and not interactions.is_abandoned
        and interactions.interaction_date between window_range.window_start
        and window_range.window_end
),

-- the turns of the window's contacts, read once for both evidence look-ups below
window_turns as (
    select
        interaction_id,
        turn_index,
        speaker,
        turn_text,
        cues
    from turns
    where interaction_id in (select interaction_id from window_contacts)
),

-- each turn's cues one per row (most turns have none), kept when a friction flag has the cue
first_cue_turns as (
    select
        turn_cues.interaction_id,
        turn_cues.cue,
        min(turn_cues.turn_index) as turn_index,
        min_by(turn_cues.turn_text, turn_cues.turn_index) as turn_text
    from (
        select
            interaction_id,
            turn_index,
            turn_text,
            {{ unnest_list("split(cues, ', ')", 'cue') }}
        from window_turns
        where cues is not null
    ) as turn_cues
    where turn_cues.cue in (
        {%- for flag in flags if flag.cue %}'{{ flag.cue }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
    group by all
),

last_customer_turns as (
    select
        interaction_id,
        max(turn_index) as turn_index,
        max_by(turn_text, turn_index) as turn_text
    from window_turns
    where speaker = 'customer'
    group by interaction_id
),

flag_observations as (
    {%- for flag in flags %}
    select
        'friction' as source,
        '{{ flag.flag }}' as behaviour_id,
        window_contacts.agent_id,
        window_contacts.team_id,
        window_contacts.started_at as observed_at,
        window_contacts.interaction_id,
        cast(null as string) as evaluation_id,
        window_contacts.{{ flag.flag }} as is_miss,
        {%- if flag.cue %}
        cue_turns.turn_index as evidence_turn_index,
        cue_turns.turn_text as quote
        {%- elif flag.flag == 'has_negative_ending' %}
        last_customer_turns.turn_index as evidence_turn_index,
        last_customer_turns.turn_text as quote
        {%- elif flag.flag == 'has_dead_air' %}
        cast(null as integer) as evidence_turn_index,
        'Silent for ' || cast(round(window_contacts.dead_air_seconds) as integer)
        || ' s in all' as quote
        {%- else %}
        cast(null as integer) as evidence_turn_index,
        'The same customer contacted the centre again within 7 days' as quote
        {%- endif %}
    from window_contacts
    {%- if flag.cue %}
    left join first_cue_turns as cue_turns
        on window_contacts.interaction_id = cue_turns.interaction_id
        and cue_turns.cue = '{{ flag.cue }}'
    {%- elif flag.flag == 'has_negative_ending' %}
    left join last_customer_turns
        on window_contacts.interaction_id = last_customer_turns.interaction_id
    {%- endif %}
    where window_contacts.{{ flag.flag }} is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        observations.source,
        observations.behaviour_id,
        observations.agent_id,
        observations.team_id,
        observations.observed_at,
        observations.interaction_id,
        observations.evaluation_id,
        observations.is_miss,
        case when observations.is_miss then observations.evidence_turn_index end
            as evidence_turn_index,
        case when observations.is_miss then observations.quote end as quote,
        window_range.window_start,
        window_range.window_end
    from (
        select * from answer_observations
        union all
        select * from flag_observations
    ) as observations
    cross join window_range
    where observations.agent_id is not null and observations.team_id is not null
)

select * from final
