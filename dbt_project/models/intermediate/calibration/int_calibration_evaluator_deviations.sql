-- Per form × evaluator: the calibration contacts scored, and the mean and sample standard
-- deviation of the evaluator's deviations from the leave-one-out consensus
-- (int_calibration_deviations). evaluators_compared (m) counts the form's evaluators with at
-- least two contacts: the evaluators tested together, whose number the multiplicity control
-- of mart_calibration_evaluators divides by.
with deviations as (
    select * from {{ ref('int_calibration_deviations') }}
),

evaluators as (
    select
        form_id,
        evaluator_id,
        cast(count(*) as integer) as calibration_contacts_count,
        avg(score) as mean_score,
        avg(consensus_score) as mean_consensus_score,
        avg(deviation) as mean_deviation,
        {{ sample_spread('stddev_samp', 'deviation') }} as deviation_sd
    from deviations
    group by form_id, evaluator_id
),

final as (
    select
        *,
        {{ scorecard_confidence() }} as confidence_level,
        cast(
            count(*) filter (where calibration_contacts_count >= 2)
                over (partition by form_id)
            as integer
        ) as evaluators_compared
    from evaluators
)

select * from final
