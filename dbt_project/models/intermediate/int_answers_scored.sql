-- The question rules of the brief, in one place: yes = 1, no = 0, scale = points / max,
-- `na` removes the question. Questions of the form left unanswered count as N/A. Human and
-- machine (evaluation_type auto) evaluations alike.
-- Incremental per evaluation (dbt_project.yml, macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_evaluations') }}
with answers as (
    select * from {{ ref('int_evaluation_answers_combined') }}
    {{ only_changed_evaluations() }}
),

evaluations as (
    select * from {{ ref('int_evaluations_combined') }}
    {{ only_changed_evaluations() }}
),

questions as (
    select * from {{ ref('stg_form_questions') }}
),

answers_with_questions as (
    select
        evaluations.evaluation_id,
        evaluations.revision,
        questions.form_id,
        questions.form_version,
        questions.section_id,
        questions.section_position,
        questions.section_weight,
        questions.question_id,
        questions.question_position,
        questions.question_type,
        questions.max_points,
        questions.question_weight,
        questions.critical_level,
        answers.answer,
        answers.answer_comment,
        answers.evidence_turn_index,
        answers.evidence_text
    from evaluations
    inner join questions
        on evaluations.form_id = questions.form_id
        and evaluations.form_version = questions.form_version
    left join answers
        on evaluations.evaluation_id = answers.evaluation_id
        and evaluations.revision = answers.revision
        and questions.question_id = answers.question_id
),

scored as (
    select
        *,
        answer is null or answer = 'na' as is_na,
        case
            when answer is null or answer = 'na' then null
            when question_type = 'yes_no' then case answer when 'yes' then 1.0 else 0.0 end
            else cast(answer as double) / max_points
        end as question_score
    from answers_with_questions
),

final as (
    select
        *,
        -- A 'no' (or zero points on a scale question) on a critical question.
        coalesce(critical_level <> 'none' and question_score = 0, false) as is_critical_miss,
        -- Failed: a 'no', or less than half the points of a scale question.
        coalesce(question_score < 0.5, false) as is_failed
    from scored
)

select * from final
