-- Every phrase of every `auto` rule, one row per question × role × phrase: role `match` is
-- the rule's own phrase test (any_phrase, said by `speaker`), `before`, `after` and
-- `before_each` the events it is placed against. match_phrase is normalised by the
-- match_text macro, so contains(turn.match_text, match_phrase) matches whole words.
with rules as (
    select * from {{ ref('int_auto_rules') }}
),

roles as (
    select
        form_id,
        form_version,
        question_id,
        'match' as phrase_role,
        cast(auto_rule as json) ->> 'speaker' as speaker,
        cast(auto_rule as json) -> 'any_phrase' as phrases,
    from rules
    union all
    select
        form_id,
        form_version,
        question_id,
        event.phrase_role,
        cast(auto_rule as json) -> event.phrase_role ->> 'speaker' as speaker,
        cast(auto_rule as json) -> event.phrase_role -> 'any_phrase' as phrases,
    from rules
    cross join (values ('before'), ('after'), ('before_each')) as event (phrase_role)
),

flattened as (
    select
        form_id,
        form_version,
        question_id,
        phrase_role,
        speaker,
        unnest(from_json(phrases, '["VARCHAR"]')) as phrase,
    from roles
    where json_array_length(phrases) > 0
),

final as (
    select
        form_id,
        form_version,
        question_id,
        phrase_role,
        speaker,
        phrase,
        {{ match_text('phrase') }} as match_phrase,
    from flattened
)

select * from final
