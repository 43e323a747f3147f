-- Is an evaluator lenient or harsh? Per form × evaluator, over the calibration contacts it
-- scored with at least one other evaluator: the mean deviation of its evaluation score from
-- the consensus of the OTHER evaluators of the same contact (leave-one-out mean,
-- int_calibration_deviations), d̄ over n contacts with sample standard deviation s:
--   interval            d̄ ± t(n − 1)·s/√n at c = var('scorecards').confidence (t_quantile)
--   adjusted interval   d̄ ± t*·s/√n, t* the t quantile at the Bonferroni level
--                       1 − (1 − c)/m for the m evaluators of the form tested together
--                       (int_calibration_evaluator_quantiles): all m intervals cover their
--                       true mean deviations together with probability at least c
--   is_significant      the adjusted interval excludes 0: the chance of flagging any evaluator
--                       who is in line stays under 1 − c (family-wise, Bonferroni)
--   direction           lenient (significant, d̄ > 0), harsh (significant, d̄ < 0), in line
-- Null intervals (and not significant) below two contacts.
with evaluators as (
    select * from {{ ref('int_calibration_evaluator_deviations') }}
),

quantiles as (
    select * from {{ ref('int_calibration_evaluator_quantiles') }}
),

intervals as (
    select
        evaluators.*,
        quantiles.adjusted_confidence_level,
        case
            when evaluators.calibration_contacts_count >= 2
                then evaluators.deviation_sd / sqrt(evaluators.calibration_contacts_count)
        end as mean_deviation_std_error,
        {{ t_quantile('evaluators.calibration_contacts_count - 1') }} as interval_quantile,
        quantiles.adjusted_quantile
    from evaluators
    left join quantiles
        on evaluators.form_id = quantiles.form_id
        and evaluators.evaluator_id = quantiles.evaluator_id
),

bounds as (
    select
        *,
        mean_deviation - interval_quantile * mean_deviation_std_error as mean_deviation_lower,
        mean_deviation + interval_quantile * mean_deviation_std_error as mean_deviation_upper,
        mean_deviation - adjusted_quantile * mean_deviation_std_error as adjusted_lower,
        mean_deviation + adjusted_quantile * mean_deviation_std_error as adjusted_upper
    from intervals
),

flagged as (
    select
        *,
        coalesce(adjusted_lower > 0 or adjusted_upper < 0, false) as is_significant
    from bounds
),

final as (
    select
        form_id,
        evaluator_id,
        confidence_level,
        calibration_contacts_count,
        mean_score,
        mean_consensus_score,
        mean_deviation,
        deviation_sd,
        mean_deviation_std_error,
        mean_deviation_lower,
        mean_deviation_upper,
        evaluators_compared,
        adjusted_confidence_level,
        adjusted_lower,
        adjusted_upper,
        is_significant,
        case
            when is_significant and mean_deviation > 0 then 'lenient'
            when is_significant and mean_deviation < 0 then 'harsh'
            else 'in line'
        end as direction
    from flagged
)

select * from final
