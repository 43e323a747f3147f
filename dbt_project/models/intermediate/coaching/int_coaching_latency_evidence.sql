-- Feedback latency, one row per coaching session: the evaluation that showed the gap and
-- the days from its first submission to the session. The evidence evaluation is, of the
-- evaluations the coaching log lists, the earliest submitted one that failed one of the
-- session's coached questions (its answers at the latest revision, as fct_evaluation_answers
-- counts them); when none of them failed one, the earliest submitted listed evaluation.
-- "Submitted" is the first submission (revision 1): that is when the gap was shown; a later
-- revision (a dispute's re-score) can land after the session and would make the latency
-- negative. Latency is (held_at − first submission) in days (fractional); null when the log
-- lists no evaluation or none of the listed evaluations is in the warehouse.
with sessions as (
    select * from {{ ref('stg_coaching_sessions') }}
),

evaluations as (
    select * from {{ ref('fct_evaluations') }}
),

evaluation_revisions as (
    select * from {{ ref('stg_evaluations') }}
),

first_submissions as (
    select
        evaluation_id,
        min(submitted_at) as first_submitted_at
    from evaluation_revisions
    group by evaluation_id
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

listed_evaluations as (
    select
        sessions.coaching_id,
        sessions.held_at,
        sessions.question_ids,
        {{ unnest_list('sessions.evaluation_ids', 'evaluation_id') }}
    from sessions
),

listed_with_submission as (
    select
        listed_evaluations.coaching_id,
        listed_evaluations.held_at,
        evaluations.evaluation_id,
        first_submissions.first_submitted_at as submitted_at,
        exists (
            select 1 from answers
            where answers.evaluation_id = evaluations.evaluation_id
                and answers.revision = evaluations.revision
                and answers.is_failed
                and array_contains(listed_evaluations.question_ids, answers.question_id)
        ) as failed_coached_question
    from listed_evaluations
    inner join evaluations
        on listed_evaluations.evaluation_id = evaluations.evaluation_id
    inner join first_submissions
        on evaluations.evaluation_id = first_submissions.evaluation_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by coaching_id
            order by failed_coached_question desc, submitted_at, evaluation_id
        ) as evidence_rank
    from listed_with_submission
),

final as (
    select
        sessions.coaching_id,
        sessions.agent_id,
        sessions.coach_id,
        sessions.held_at,
        -- not coalesce(cardinality(…), 0): Spark's cardinality of a null list is -1
        case
            when sessions.evaluation_ids is null then 0
            else cardinality(sessions.evaluation_ids)
        end as listed_evaluations,
        ranked.evaluation_id as evidence_evaluation_id,
        ranked.submitted_at as evidence_submitted_at,
        coalesce(ranked.failed_coached_question, false) as is_evidence_failed,
        {{ dbt.datediff('ranked.submitted_at', 'sessions.held_at', 'second') }} / cast(86400 as double)
            as feedback_latency_days
    from sessions
    left join ranked
        on sessions.coaching_id = ranked.coaching_id
        and ranked.evidence_rank = 1
)

select * from final
