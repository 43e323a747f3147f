-- Section score = Σ(w·s) / Σ(w) over the section's non-N/A questions; a section whose
-- questions are all N/A (or carry no weight) is N/A; a critical miss on a
-- `critical: section` question makes the section score 0.
-- Incremental per evaluation (dbt_project.yml, macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_evaluations') }}
with answers as (
    select * from {{ ref('int_answers_scored') }}
    {{ only_changed_evaluations() }}
),

sections as (
    select
        evaluation_id,
        revision,
        section_id,
        any_value(section_position) as section_position,
        any_value(section_weight) as section_weight,
        sum(question_weight * question_score) filter (where not is_na) as weighted_points,
        sum(question_weight) filter (where not is_na) as answered_weight,
        count(*) filter (where not is_na) as answered_questions_count,
        bool_or(is_critical_miss and critical_level = 'section') as has_section_critical_miss,
        bool_or(is_critical_miss and critical_level = 'form') as has_form_critical_miss
    from answers
    group by evaluation_id, revision, section_id
),

final as (
    select
        evaluation_id,
        revision,
        section_id,
        section_position,
        section_weight,
        answered_questions_count,
        coalesce(answered_weight, 0) = 0 as is_na,
        has_section_critical_miss,
        has_form_critical_miss,
        case
            when coalesce(answered_weight, 0) = 0 then null
            when has_section_critical_miss then 0.0
            else weighted_points / answered_weight
        end as section_score
    from sections
)

select * from final
