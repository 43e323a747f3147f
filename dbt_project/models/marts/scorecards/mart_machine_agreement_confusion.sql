-- Machine versus people, per question: how often each pair (human answer, machine answer)
-- occurs on the contacts both scored. The human side is the latest revision of the latest
-- standard evaluation of the contact; an unanswered question counts as `na` on either side.
with answers as (
    select * from {{ ref('int_answers_scored') }}
),

evaluations as (
    select * from {{ ref('int_evaluations_scored') }}
),

human_evaluations as (
    select
        evaluation_id,
        revision,
        interaction_id,
        form_id
    from evaluations
    where evaluation_type = 'standard' and is_latest_revision
    qualify row_number() over (
        partition by interaction_id, form_id order by submitted_at desc, evaluation_id desc
    ) = 1
),

machine_evaluations as (
    select
        evaluation_id,
        revision,
        interaction_id,
        form_id
    from evaluations
    where evaluation_type = 'auto'
),

human_answers as (
    select
        human_evaluations.interaction_id,
        human_evaluations.form_id,
        answers.question_id,
        coalesce(answers.answer, 'na') as human_answer
    from human_evaluations
    inner join answers
        on human_evaluations.evaluation_id = answers.evaluation_id
        and human_evaluations.revision = answers.revision
),

-- only questions the machine answers (those with an `auto` rule)
machine_answers as (
    select
        machine_evaluations.interaction_id,
        machine_evaluations.form_id,
        answers.question_id,
        answers.answer as machine_answer
    from machine_evaluations
    inner join answers
        on machine_evaluations.evaluation_id = answers.evaluation_id
        and machine_evaluations.revision = answers.revision
    where answers.answer is not null
),

pairs as (
    select
        human_answers.form_id,
        human_answers.question_id,
        human_answers.human_answer,
        machine_answers.machine_answer
    from human_answers
    inner join machine_answers
        on human_answers.interaction_id = machine_answers.interaction_id
        and human_answers.form_id = machine_answers.form_id
        and human_answers.question_id = machine_answers.question_id
),

final as (
    select
        form_id,
        question_id,
        human_answer,
        machine_answer,
        count(*) as pairs_count
    from pairs
    group by form_id, question_id, human_answer, machine_answer
)

select * from final
