-- Evaluation score (0-100) = 100 · Σ(W·S) / Σ(W) over non-N/A sections, so N/A weight is
-- redistributed proportionally; a critical miss on a `critical: form` question makes the
-- score 0 and keeps the score before the auto-fail. Every revision is scored here.
-- Incremental per evaluation (dbt_project.yml, macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_evaluations') }}
with evaluations as (
    select * from {{ ref('int_evaluations_combined') }}
    {{ only_changed_evaluations() }}
),

sections as (
    select * from {{ ref('int_sections_scored') }}
    {{ only_changed_evaluations() }}
),

failed_questions as (
    select
        evaluation_id,
        revision,
        count(*) filter (where not is_na) as answered_questions_count,
        count(*) filter (where is_failed and not is_na) as failed_questions_count
    from {{ ref('int_answers_scored') }}
    {{ only_changed_evaluations() }}
    group by evaluation_id, revision
),

evaluation_sections as (
    select
        evaluation_id,
        revision,
        sum(section_weight * section_score) filter (where not is_na) as weighted_score,
        sum(section_weight) filter (where not is_na) as answered_section_weight,
        count(*) filter (where is_na) as na_sections_count,
        bool_or(has_form_critical_miss) as is_critical_fail
    from sections
    group by evaluation_id, revision
),

scored as (
    select
        evaluations.*,
        evaluation_sections.na_sections_count,
        coalesce(evaluation_sections.is_critical_fail, false) as is_critical_fail,
        case
            when evaluation_sections.answered_section_weight > 0
                then 100.0 * evaluation_sections.weighted_score
                / evaluation_sections.answered_section_weight
        end as score_before_critical,
        failed_questions.answered_questions_count,
        failed_questions.failed_questions_count
    from evaluations
    left join evaluation_sections
        on evaluations.evaluation_id = evaluation_sections.evaluation_id
        and evaluations.revision = evaluation_sections.revision
    left join failed_questions
        on evaluations.evaluation_id = failed_questions.evaluation_id
        and evaluations.revision = failed_questions.revision
),

final as (
    select
        *,
        case when is_critical_fail then 0.0 else score_before_critical end as score,
        revision = max(revision) over (partition by evaluation_id) as is_latest_revision,
        count(*) over (partition by evaluation_id) as revisions_count
    from scored
)

select * from final
