with questions as (
    select * from {{ ref('stg_form_questions') }}
),

forms as (
    select * from {{ ref('stg_forms') }}
),

final as (
    select
        questions.form_id,
        questions.form_version,
        forms.form_name,
        forms.effective_from as form_effective_from,
        lead(forms.effective_from) over (
            partition by questions.form_id, questions.question_id
            order by questions.form_version
        ) as form_superseded_from,
        questions.section_id,
        questions.section_position,
        questions.section_weight,
        questions.question_id,
        questions.question_position,
        questions.question_text,
        questions.question_type,
        questions.max_points,
        questions.question_weight,
        questions.critical_level,
        questions.is_na_allowed,
        questions.auto_rule is not null as has_auto_rule,
        questions.auto_rule
    from questions
    inner join forms
        on questions.form_id = forms.form_id
        and questions.form_version = forms.form_version
)

select * from final
