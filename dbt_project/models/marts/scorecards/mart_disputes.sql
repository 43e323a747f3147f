-- Disputes: how often people's evaluations are re-scored, and how often the re-score changes
-- an answer. The landing contract lands an upheld dispute as a higher revision of the
-- evaluation (a dispute the QA team rejected is not exported), so a standard evaluation with
-- more than one revision is `disputed`; it is `overturned` when at least one answer of its
-- latest revision differs from its first (an unanswered question counts as na). Scores
-- count at the latest revision everywhere else in the warehouse (fct_evaluations).
-- Rows: one per form for the whole centre (level `all`), per form × evaluator of the first
-- revision (level `evaluator`: the person whose scoring was disputed), and per form ×
-- question (level `question`: answers changed on that question). Rates carry Wilson
-- intervals at var('scorecards').confidence.
with revisions as (
    select * from {{ ref('int_evaluations_scored') }}
    where evaluation_type = 'standard'
),

answers as (
    select * from {{ ref('int_answers_scored') }}
),

z as (
    select {{ normal_quantile() }} as z
),

first_and_latest as (
    select
        evaluation_id,
        form_id,
        min_by(evaluator_id, revision) as evaluator_id,
        min(revision) as first_revision,
        max(revision) as latest_revision,
        min_by(score, revision) as first_score,
        max_by(score, revision) as latest_score
    from revisions
    group by evaluation_id, form_id
),

question_changes as (
    select
        first_and_latest.evaluation_id,
        first_and_latest.form_id,
        first_answers.question_id,
        first_and_latest.latest_revision > first_and_latest.first_revision as is_disputed,
        coalesce(first_answers.answer, 'na')
        <> coalesce(latest_answers.answer, 'na') as is_changed
    from first_and_latest
    inner join answers as first_answers
        on first_and_latest.evaluation_id = first_answers.evaluation_id
        and first_and_latest.first_revision = first_answers.revision
    left join answers as latest_answers
        on first_and_latest.evaluation_id = latest_answers.evaluation_id
        and first_and_latest.latest_revision = latest_answers.revision
        and first_answers.question_id = latest_answers.question_id
),

evaluations as (
    select
        first_and_latest.evaluation_id,
        first_and_latest.form_id,
        first_and_latest.evaluator_id,
        first_and_latest.latest_revision > first_and_latest.first_revision as is_disputed,
        coalesce(bool_or(question_changes.is_changed), false) as is_overturned,
        any_value(first_and_latest.latest_score - first_and_latest.first_score) as score_change
    from first_and_latest
    left join question_changes
        on first_and_latest.evaluation_id = question_changes.evaluation_id
    group by all
),

counted as (
    select
        'all' as level,
        form_id,
        cast(null as string) as evaluator_id,
        cast(null as string) as question_id,
        count(*) as evaluations_count,
        count(*) filter (where is_disputed) as disputed_count,
        count(*) filter (where is_overturned) as overturned_count,
        avg(score_change) filter (where is_disputed) as mean_score_change
    from evaluations
    group by form_id

    union all

    select
        'evaluator' as level,
        form_id,
        evaluator_id,
        null as question_id,
        count(*) as evaluations_count,
        count(*) filter (where is_disputed) as disputed_count,
        count(*) filter (where is_overturned) as overturned_count,
        avg(score_change) filter (where is_disputed) as mean_score_change
    from evaluations
    group by form_id, evaluator_id

    union all

    select
        'question' as level,
        form_id,
        null as evaluator_id,
        question_id,
        count(*) as evaluations_count,
        count(*) filter (where is_disputed) as disputed_count,
        count(*) filter (where is_changed) as overturned_count,
        null as mean_score_change
    from question_changes
    group by form_id, question_id
),

final as (
    select
        counted.level,
        counted.form_id,
        counted.evaluator_id,
        counted.question_id,
        {{ scorecard_confidence() }} as confidence_level,
        counted.evaluations_count,
        counted.disputed_count,
        counted.overturned_count,
        cast(counted.disputed_count as double) / counted.evaluations_count as dispute_rate,
        {{ wilson_bound('counted.disputed_count', 'counted.evaluations_count', 'z.z', -1) }}
            as dispute_rate_lower,
        {{ wilson_bound('counted.disputed_count', 'counted.evaluations_count', 'z.z', 1) }}
            as dispute_rate_upper,
        case
            when counted.disputed_count > 0
                then cast(counted.overturned_count as double) / counted.disputed_count
        end as overturn_rate,
        {{ wilson_bound('counted.overturned_count', 'counted.disputed_count', 'z.z', -1) }}
            as overturn_rate_lower,
        {{ wilson_bound('counted.overturned_count', 'counted.disputed_count', 'z.z', 1) }}
            as overturn_rate_upper,
        counted.mean_score_change
    from counted
    cross join z
)

select * from final
