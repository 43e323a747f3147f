-- One row per calibration evaluation with a score, on contacts that at least two calibration
-- evaluations of the form scored: how far the evaluator's score lies from the consensus of
-- the OTHER evaluators of the same contact (leave-one-out mean). With k scores s_1..s_k of the
-- contact:
--   consensus_score_e = (Σ s − s_e) / (k − 1),   deviation_e = s_e − consensus_score_e
-- A lenient evaluator's deviations are positive, a harsh one's negative; excluding the
-- evaluator's own score keeps one strong opinion from pulling its own consensus along.
with ratings as (
    select * from {{ ref('int_calibration_ratings') }}
    where question_id = 'evaluation_score'
        and rating_value is not null
),

contacts as (
    select
        form_id,
        interaction_id,
        count(*) as scores_count,
        sum(rating_value) as score_sum
    from ratings
    group by form_id, interaction_id
    having count(*) >= 2
),

final as (
    select
        ratings.evaluation_id,
        ratings.form_id,
        ratings.interaction_id,
        ratings.evaluator_id,
        ratings.rating_value as score,
        cast(contacts.scores_count - 1 as integer) as other_evaluations_count,
        (contacts.score_sum - ratings.rating_value) / (contacts.scores_count - 1)
            as consensus_score,
        ratings.rating_value
        - (contacts.score_sum - ratings.rating_value) / (contacts.scores_count - 1)
            as deviation
    from ratings
    inner join contacts
        on ratings.form_id = contacts.form_id
        and ratings.interaction_id = contacts.interaction_id
)

select * from final
