-- Do the evaluators agree? Per form × question, over the calibration contacts (units) with
-- at least two ratings of the question, and one row per form for the evaluation's total score
-- (question_id 'evaluation_score', question_type 'score'), so that agreement on what the agent
-- is finally given sits beside agreement on each question:
--   Fleiss' κ over the answer categories as given (yes, no, na, the points of a scale
--   question), in its general form for a varying number of ratings per contact; null on the
--   score row and when every rating falls in one category;
--   Krippendorff's α with the interval metric over the question score (N/A answers missing)
--   or the evaluation score (0-100); null when every value is the same.
-- Formulas: int_calibration_agreement_replicates (replicate 0 is the estimate). Intervals:
-- bootstrap percentile intervals over contacts resampled with replacement
-- (int_calibration_bootstrap_weights; R and seed from var('scorecards'), so the same
-- warehouse gives the same interval), from the (1 − c)/2 to the (1 + c)/2 quantile of the
-- replicates' values (linear interpolation, numpy's default), c = var('scorecards').confidence.
-- Replicates in which the statistic is undefined (a rare answer not drawn, so one category
-- or one value is left) are left out; kappa_replicates / alpha_replicates count those used.
with replicates as (
    select * from {{ ref('int_calibration_agreement_replicates') }}
),

ratings as (
    select * from {{ ref('int_calibration_ratings') }}
),

-- the contacts with at least two ratings of the question (the units)
unit_ratings as (
    select
        form_id,
        question_id,
        interaction_id,
        any_value(question_type) as question_type,
        count(*) as ratings_count
    from ratings
    group by form_id, question_id, interaction_id
    having count(*) >= 2
),

questions as (
    select
        unit_ratings.form_id,
        unit_ratings.question_id,
        any_value(unit_ratings.question_type) as question_type,
        count(*) as units_count,
        sum(unit_ratings.ratings_count) as ratings_count,
        any_value(evaluators.evaluators_count) as evaluators_count
    from unit_ratings
    left join (
        select form_id, question_id, count(distinct evaluator_id) as evaluators_count
        from ratings
        group by form_id, question_id
    ) as evaluators
        on unit_ratings.form_id = evaluators.form_id
        and unit_ratings.question_id = evaluators.question_id
    group by unit_ratings.form_id, unit_ratings.question_id
),

estimates as (
    select * from replicates
    where replicate = 0
),

intervals as (
    select
        form_id,
        question_id,
        count(fleiss_kappa) as kappa_replicates,
        percentile_cont((1 - {{ scorecard_confidence() }}) / 2) within group (order by fleiss_kappa) as kappa_lower,
        percentile_cont((1 + {{ scorecard_confidence() }}) / 2) within group (order by fleiss_kappa) as kappa_upper,
        count(krippendorff_alpha) as alpha_replicates,
        percentile_cont((1 - {{ scorecard_confidence() }}) / 2) within group (order by krippendorff_alpha) as alpha_lower,
        percentile_cont((1 + {{ scorecard_confidence() }}) / 2) within group (order by krippendorff_alpha) as alpha_upper
    from replicates
    where replicate > 0
    group by form_id, question_id
),

final as (
    select
        questions.form_id,
        questions.question_id,
        questions.question_type,
        {{ scorecard_confidence() }} as confidence_level,
        cast(questions.units_count as integer) as units_count,
        cast(questions.ratings_count as integer) as ratings_count,
        cast(questions.evaluators_count as integer) as evaluators_count,
        estimates.observed_agreement,
        estimates.expected_agreement,
        estimates.fleiss_kappa,
        intervals.kappa_lower as fleiss_kappa_lower,
        intervals.kappa_upper as fleiss_kappa_upper,
        cast(coalesce(intervals.kappa_replicates, 0) as integer) as kappa_replicates,
        estimates.alpha_units_count,
        estimates.alpha_values_count,
        estimates.krippendorff_alpha,
        intervals.alpha_lower as krippendorff_alpha_lower,
        intervals.alpha_upper as krippendorff_alpha_upper,
        cast(coalesce(intervals.alpha_replicates, 0) as integer) as alpha_replicates,
        cast(
            {{ var('scorecards')['calibration_bootstrap_replicates'] }} as integer
        ) as bootstrap_replicates
    from questions
    left join estimates
        on questions.form_id = estimates.form_id
        and questions.question_id = estimates.question_id
    left join intervals
        on questions.form_id = intervals.form_id
        and questions.question_id = intervals.question_id
)

select * from final
