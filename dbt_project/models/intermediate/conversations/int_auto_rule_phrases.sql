-- Every phrase of every `auto` rule, one row per question × role × phrase: role `match` is
-- the rule's own phrase test (any_phrase, said by `speaker`), `before`, `after` and
-- `before_each` the events it is placed against. match_phrase is normalised by the
-- match_text macro, so contains(turn.match_text, match_phrase) matches whole words.
with rules as (
    select * from {{ ref('int_auto_rules') }}
),

{%- set paths = {'match': '$', 'before': '$.before', 'after': '$.after', 'before_each': '$.before_each'} %}
roles as (
    {%- for role, path in paths.items() %}
    select
        form_id,
        form_version,
        question_id,
        '{{ role }}' as phrase_role,
        {{ json_text('auto_rule', path ~ '.speaker') }} as speaker,
        {{ json_list('auto_rule', path ~ '.any_phrase') }} as phrases
    from rules
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

flattened as (
    select
        form_id,
        form_version,
        question_id,
        phrase_role,
        speaker,
        {{ unnest_list('phrases', 'phrase') }}
    from roles
),

final as (
    select
        form_id,
        form_version,
        question_id,
        phrase_role,
        speaker,
        phrase,
        {{ match_text('phrase') }} as match_phrase
    from flattened
)

select * from final
