-- One row per form question that carries an `auto` rule (machine scoring), its keys as
-- columns. The rule was checked and normalised at ingest (orchestration/ingest/auto_rules.py),
-- so every key is present; phrases and conditions are flattened in int_auto_rule_phrases and
-- int_auto_rule_conditions.
with questions as (
    select * from {{ ref('stg_form_questions') }}
    where auto_rule is not null
),


final as (
    select
        form_id,
        form_version,
        question_id,
        question_type,
        max_points,
        is_na_allowed,
        {{ json_text('auto_rule', '$.speaker') }} as speaker,
        coalesce({{ json_array_size('auto_rule', '$.any_phrase') }}, 0) > 0 as has_phrase_test,
        coalesce(cast({{ json_text('auto_rule', '$.absent') }} as boolean), false) as is_absent_rule,
        cast({{ json_text('auto_rule', '$.within_turns') }} as integer) as within_turns,
        cast({{ json_text('auto_rule', '$.within_seconds') }} as integer) as within_seconds,
        {{ json_is_object('auto_rule', '$.before') }} as has_before_event,
        {{ json_is_object('auto_rule', '$.after') }} as has_after_event,
        {{ json_is_object('auto_rule', '$.before_each') }} as has_before_each_event,
        coalesce({{ json_array_size('auto_rule', '$.applies_when') }}, 0) as applies_when_count,
        coalesce({{ json_array_size('auto_rule', '$.require') }}, 0) as require_count,
        cast({{ json_text('auto_rule', '$.points.met') }} as double) as points_met,
        cast({{ json_text('auto_rule', '$.points.not_met') }} as double) as points_not_met,
        auto_rule
    from questions
)

select * from final
