-- One row per evaluation at its highest revision. Only `standard` evaluations count for
-- agent scores (is_agent_scored); `calibration` and `auto` rows are kept beside them.
-- Incremental per evaluation (macros/incremental_by_interaction.sql); a contract needs
-- on_schema_change `fail`: a changed project is built in full anyway.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'changed_rows': {'model': 'int_changed_evaluations', 'key': 'evaluation_id'}},
    pre_hook="{{ delete_changed_rows() }}",
) }}
-- depends_on: {{ ref('int_changed_evaluations') }}
with evaluations as (
    select * from (
        select * from {{ ref('int_evaluations_scored') }}
        {{ only_changed_evaluations() }}
    )
    where is_latest_revision
),

interactions as (
    select * from {{ ref('fct_interactions') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

attributed as (
    select
        evaluations.*,
        coalesce(interactions.started_at, evaluations.submitted_at) as attributed_at,
        interactions.channel,
        interactions.queue
    from evaluations
    left join interactions
        on evaluations.interaction_id = interactions.interaction_id
),

final as (
    select
        attributed.evaluation_id,
        attributed.revision,
        attributed.revisions_count,
        attributed.interaction_id,
        attributed.agent_id,
        agents.team_id,
        agents.team_name,
        agents.site,
        attributed.channel,
        attributed.queue,
        attributed.evaluator_id,
        attributed.form_id,
        attributed.form_version,
        attributed.evaluation_type,
        attributed.evaluation_type = 'standard' as is_agent_scored,
        attributed.started_at,
        attributed.submitted_at,
        attributed.attributed_at,
        cast(attributed.attributed_at as date) as evaluation_date,
        cast({{ dbt.date_trunc('week', 'attributed.attributed_at') }} as date) as week_start,
        attributed.score,
        attributed.score_before_critical,
        attributed.is_critical_fail,
        attributed.na_sections_count,
        attributed.answered_questions_count,
        attributed.failed_questions_count
    from attributed
    left join agents
        on attributed.agent_id = agents.agent_id
        and cast(attributed.attributed_at as date) >= agents.valid_from
        and (agents.valid_to is null or cast(attributed.attributed_at as date) < agents.valid_to)
)

select * from final
