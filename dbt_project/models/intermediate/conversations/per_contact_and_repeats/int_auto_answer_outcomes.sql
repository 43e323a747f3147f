-- The machine's decision on every question with an `auto` rule, for every contact with a
-- transcript, on the form version in force on the contact's day (per form, the version with
-- the latest effective_from on or before it). An answer is what a person would write:
-- yes / no, points for a scale question (the rule's points met / not_met), or na when
-- applies_when does not hold or a before_each rule finds no event. Evidence is the turn that
-- decided the answer (the matched phrase, the unrequested hold, the rude line) or, for a
-- condition, a sentence such as "hold_seconds = 340, rule <= 120"; int_auto_answers adds the
-- turn's text (a step of its own, so that each runs within DuckDB's memory limit at a
-- year's scale).
-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with rules as (
    select * from {{ ref('int_auto_rules') }}
),

rule_phrases as (
    select * from {{ ref('int_auto_rule_phrases') }}
),

rule_conditions as (
    select * from {{ ref('int_auto_rule_conditions') }}
),

-- only the measures some condition names (a few of about forty per contact)
measures as (
    select * from (
        select * from {{ ref('int_interaction_measures') }}
        {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
    )
    where measure in (select measure from rule_conditions)
),

interaction_forms as (
    select * from {{ ref('int_auto_interaction_forms') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

rule_hits as (
    select * from {{ ref('int_auto_rule_hits') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

questions_to_answer as (
    select
        interaction_forms.interaction_id,
        {{ star_except(['auto_rule'], 'rules') }}  -- the rule's parts are columns; its JSON is not needed
    from interaction_forms
    inner join rules
        on interaction_forms.form_id = rules.form_id
        and interaction_forms.form_version = rules.form_version
),

-- the first turn of each `before` / `after` event (read from those hits only: few rules
-- have such an event, and grouping every hit would make about one group per hit)
first_events as (
    select
        interaction_id,
        form_id,
        form_version,
        question_id,
        min(turn_number) filter (where phrase_role = 'before') as before_event_turn,
        min(turn_number) filter (where phrase_role = 'after') as after_event_turn
    from rule_hits
    where phrase_role in ('before', 'after')
    group by all
),

-- the rule's own phrase matches that fall in its window. The window is the rule's, so the
-- hits meet the few rules, not the contacts' questions: a hit of a question a contact does
-- not answer is dropped where `decided` starts from the questions to answer.
candidate_matches as (
    select
        rule_hits.interaction_id,
        rule_hits.form_id,
        rule_hits.form_version,
        rule_hits.question_id,
        rule_hits.turn_index,
        rule_hits.turn_number
    from rule_hits
    inner join rules
        on rule_hits.form_id = rules.form_id
        and rule_hits.form_version = rules.form_version
        and rule_hits.question_id = rules.question_id
    left join first_events
        on rule_hits.interaction_id = first_events.interaction_id
        and rule_hits.form_id = first_events.form_id
        and rule_hits.form_version = first_events.form_version
        and rule_hits.question_id = first_events.question_id
    where
        rule_hits.phrase_role = 'match'
        and (rules.within_turns is null or rule_hits.turn_number <= rules.within_turns)
        and (rules.within_seconds is null or rule_hits.begin_seconds < rules.within_seconds)
        and (
            first_events.before_event_turn is null
            or rule_hits.turn_number < first_events.before_event_turn
        )
        and (
            first_events.after_event_turn is null
            or rule_hits.turn_number > first_events.after_event_turn
        )
),

first_matches as (
    select
        interaction_id,
        form_id,
        form_version,
        question_id,
        count(*) as matches_count,
        min_by(turn_index, turn_number) as first_match_turn_index
    from candidate_matches
    group by all
),

-- before_each: every event turn needs a match after the previous event turn
each_events as (
    select
        interaction_id,
        form_id,
        form_version,
        question_id,
        turn_index,
        turn_number,
        coalesce(
            lag(turn_number) over (
                partition by interaction_id, form_id, form_version, question_id
                order by turn_number
            ),
            0
        ) as previous_event_turn
    from rule_hits
    where phrase_role = 'before_each'
),

each_events_checked as (
    select
        each_events.interaction_id,
        each_events.form_id,
        each_events.form_version,
        each_events.question_id,
        each_events.turn_index,
        each_events.turn_number,
        count(candidate_matches.turn_number) > 0 as is_preceded
    from each_events
    left join candidate_matches
        on each_events.interaction_id = candidate_matches.interaction_id
        and each_events.form_id = candidate_matches.form_id
        and each_events.form_version = candidate_matches.form_version
        and each_events.question_id = candidate_matches.question_id
        and candidate_matches.turn_number > each_events.previous_event_turn
        and candidate_matches.turn_number < each_events.turn_number
    group by all
),

each_events_summary as (
    select
        interaction_id,
        form_id,
        form_version,
        question_id,
        count(*) as events_count,
        count(*) filter (where not is_preceded) as unpreceded_events_count,
        min_by(turn_index, turn_number) filter (where not is_preceded)
            as first_unpreceded_turn_index
    from each_events_checked
    group by all
),

conditions_evaluated as (
    select
        questions_to_answer.interaction_id,
        questions_to_answer.form_id,
        questions_to_answer.form_version,
        questions_to_answer.question_id,
        rule_conditions.condition_role,
        rule_conditions.condition_number,
        coalesce(
            case rule_conditions.operator
                when '<' then measures.number_value < rule_conditions.operand_number
                when '<=' then measures.number_value <= rule_conditions.operand_number
                when '>' then measures.number_value > rule_conditions.operand_number
                when '>=' then measures.number_value >= rule_conditions.operand_number
                when '==' then measures.number_value = rule_conditions.operand_number
                when '!=' then measures.number_value <> rule_conditions.operand_number
                when 'in' then
                    array_contains(rule_conditions.allowed_values, measures.text_value)
                    or array_contains(rule_conditions.allowed_numbers, measures.number_value)
                when 'not in' then
                    not array_contains(rule_conditions.allowed_values, measures.text_value)
            end,
            false
        ) as is_met,
        rule_conditions.measure || ' = ' || coalesce(
            measures.text_value,
            case
                when {{ regexp_found('rule_conditions.condition_text', "'(true|false)$'") }}
                    then case measures.number_value when 1 then 'true' when 0 then 'false' end
                when measures.number_value = round(measures.number_value)
                    then cast(cast(measures.number_value as bigint) as string)
                else cast(round(measures.number_value, 3) as string)
            end,
            'no value'
        ) || ', rule ' || rule_conditions.condition_text as condition_sentence
    from questions_to_answer
    inner join rule_conditions
        on questions_to_answer.form_id = rule_conditions.form_id
        and questions_to_answer.form_version = rule_conditions.form_version
        and questions_to_answer.question_id = rule_conditions.question_id
    left join measures
        on questions_to_answer.interaction_id = measures.interaction_id
        and rule_conditions.measure = measures.measure
),

conditions_summary as (
    select
        interaction_id,
        form_id,
        form_version,
        question_id,
        coalesce(bool_and(is_met) filter (where condition_role = 'applies_when'), true)
            as is_applicable,
        coalesce(bool_and(is_met) filter (where condition_role = 'require'), true)
            as is_required_met,
        min_by(condition_sentence, condition_number)
            filter (where condition_role = 'applies_when' and not is_met) as not_applicable_because,
        min_by(condition_sentence, condition_number)
            filter (where condition_role = 'require' and not is_met) as requirement_failed_because,
        {{ dbt.listagg('condition_sentence', "'; '", 'order by condition_number') }}
            filter (where condition_role = 'require') as requirements_met_because
    from conditions_evaluated
    group by all
),

phrase_lists as (
    select
        form_id,
        form_version,
        question_id,
        {{ dbt.listagg('phrase', "', '", 'order by phrase') }} filter (where phrase_role = 'match')
            as match_phrases,
        {{ dbt.listagg('phrase', "', '", 'order by phrase') }}
            filter (where phrase_role = 'before_each')
            as event_phrases,
        any_value(speaker) filter (where phrase_role = 'before_each') as event_speaker
    from rule_phrases
    group by all
),

decided as (
    select
        questions_to_answer.interaction_id,
        questions_to_answer.form_id,
        questions_to_answer.form_version,
        questions_to_answer.question_id,
        questions_to_answer.question_type,
        questions_to_answer.points_met,
        questions_to_answer.points_not_met,
        questions_to_answer.speaker,
        questions_to_answer.has_phrase_test,
        questions_to_answer.is_absent_rule,
        questions_to_answer.has_before_each_event,
        coalesce(conditions_summary.is_applicable, true) as is_applicable,
        coalesce(conditions_summary.is_required_met, true) as is_required_met,
        conditions_summary.not_applicable_because,
        conditions_summary.requirement_failed_because,
        conditions_summary.requirements_met_because,
        coalesce(first_matches.matches_count, 0) as matches_count,
        first_matches.first_match_turn_index,
        coalesce(each_events_summary.events_count, 0) as events_count,
        coalesce(each_events_summary.unpreceded_events_count, 0) as unpreceded_events_count,
        each_events_summary.first_unpreceded_turn_index,
        phrase_lists.match_phrases,
        phrase_lists.event_phrases,
        phrase_lists.event_speaker
    from questions_to_answer
    left join conditions_summary
        on questions_to_answer.interaction_id = conditions_summary.interaction_id
        and questions_to_answer.form_id = conditions_summary.form_id
        and questions_to_answer.form_version = conditions_summary.form_version
        and questions_to_answer.question_id = conditions_summary.question_id
    left join first_matches
        on questions_to_answer.interaction_id = first_matches.interaction_id
        and questions_to_answer.form_id = first_matches.form_id
        and questions_to_answer.form_version = first_matches.form_version
        and questions_to_answer.question_id = first_matches.question_id
    left join each_events_summary
        on questions_to_answer.interaction_id = each_events_summary.interaction_id
        and questions_to_answer.form_id = each_events_summary.form_id
        and questions_to_answer.form_version = each_events_summary.form_version
        and questions_to_answer.question_id = each_events_summary.question_id
    left join phrase_lists
        on questions_to_answer.form_id = phrase_lists.form_id
        and questions_to_answer.form_version = phrase_lists.form_version
        and questions_to_answer.question_id = phrase_lists.question_id
),

outcomes as (
    select
        *,
        case
            when not is_applicable then 'not_applicable'
            when has_before_each_event and events_count = 0 then 'no_event'
            when has_phrase_test and has_before_each_event and unpreceded_events_count > 0
                then 'phrase_failed'
            when has_phrase_test and not has_before_each_event
                and (matches_count > 0) = is_absent_rule then 'phrase_failed'
            when not is_required_met then 'requirement_failed'
            else 'met'
        end as outcome
    from decided
),

answered as (
    select
        *,
        case
            when outcome in ('not_applicable', 'no_event') then 'na'
            when question_type = 'scale' then {{ regexp_replace_all(
                "cast(case when outcome = 'met' then points_met else points_not_met end as string)",
                "'[.]0$'", "''"
            ) }}
            when outcome = 'met' then 'yes'
            else 'no'
        end as answer,
        case
            when outcome = 'phrase_failed' and has_before_each_event
                then first_unpreceded_turn_index
            when outcome = 'phrase_failed' and is_absent_rule then first_match_turn_index
            when outcome = 'met' and has_phrase_test and not is_absent_rule
                then first_match_turn_index
        end as evidence_turn_index,
        case
            when outcome = 'not_applicable' then not_applicable_because
            when outcome = 'no_event'
                then 'no ' || replace(event_speaker || ' ', 'any ', '')
                || 'turn says any of: ' || event_phrases
            when outcome = 'requirement_failed' then requirement_failed_because
            when not has_phrase_test then requirements_met_because
            when
                (outcome = 'phrase_failed' and not is_absent_rule and not has_before_each_event)
                or (outcome = 'met' and is_absent_rule)
                then 'no ' || replace(speaker || ' ', 'any ', '')
                || 'turn says any of: ' || match_phrases
        end as evidence_sentence
    from outcomes
),

final as (
    select
        {{ auto_evaluation_id('interaction_id', 'form_id') }} as evaluation_id,
        1 as revision,
        question_id,
        answer,
        evidence_turn_index,
        evidence_sentence,
        outcome,
        form_id,
        form_version,
        interaction_id
    from answered
)

select * from final
