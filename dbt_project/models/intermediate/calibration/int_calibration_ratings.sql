-- One row per rating in a calibration session: every calibration evaluation (its latest
-- revision) rates each question of its form, with an answer category (yes, no, na or the
-- points of a scale question, as given) and a value (the question score: 1 yes, 0 no,
-- points / max points; null when N/A), and rates the contact as a whole with the evaluation
-- score (question_id 'evaluation_score', question_type 'score', no category).
-- A calibration contact is a unit of the agreement statistics when at least two calibration
-- evaluations of the form scored it (one rating cannot agree or disagree); unit_index numbers
-- the form's units 1..N by interaction_id, for the bootstrap's draws.
with evaluations as (
    select * from {{ ref('fct_evaluations') }}
    where evaluation_type = 'calibration'
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
    where evaluation_type = 'calibration'
),

units as (
    select
        form_id,
        interaction_id,
        row_number() over (partition by form_id order by interaction_id) as unit_index
    from evaluations
    group by form_id, interaction_id
    having count(*) >= 2
),

question_ratings as (
    select
        answers.form_id,
        answers.question_id,
        answers.question_type,
        answers.interaction_id,
        answers.evaluation_id,
        answers.evaluator_id,
        case when answers.is_na then 'na' else answers.answer end as answer_category,
        answers.question_score as rating_value
    from answers
),

score_ratings as (
    select
        form_id,
        'evaluation_score' as question_id,
        'score' as question_type,
        interaction_id,
        evaluation_id,
        evaluator_id,
        cast(null as string) as answer_category,
        score as rating_value
    from evaluations
),

ratings as (
    select * from question_ratings
    union all
    select * from score_ratings
),

final as (
    select
        ratings.form_id,
        ratings.question_id,
        ratings.question_type,
        ratings.interaction_id,
        units.unit_index,
        ratings.evaluation_id,
        ratings.evaluator_id,
        ratings.answer_category,
        cast(ratings.rating_value as double) as rating_value
    from ratings
    inner join units
        on ratings.form_id = units.form_id
        and ratings.interaction_id = units.interaction_id
)

select * from final
