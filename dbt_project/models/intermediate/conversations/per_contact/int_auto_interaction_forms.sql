-- Per contact with a transcript, the version of each form with `auto` rules in force on the
-- contact's day (per form, the version with the latest effective_from on or before it): what
-- the machine answers. A model of its own so that the phrase matching and the answers, which
-- both need it, run as separate steps (each within DuckDB's memory limit at scale).
-- depends_on: {{ ref('int_changed_interactions') }}
with turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions() }}
),

interactions as (
    select * from {{ ref('stg_interactions') }}
    {{ only_changed_interactions() }}
),

forms as (
    select * from {{ ref('stg_forms') }}
),

rules as (
    select * from {{ ref('int_auto_rules') }}
),

transcribed as (
    select distinct interaction_id from turns
),

forms_with_rules as (
    select distinct
        forms.form_id,
        forms.form_version,
        forms.effective_from
    from forms
    inner join rules
        on forms.form_id = rules.form_id
),

-- the form version in force on the contact's day, one per form that has rules in any version
interaction_forms as (
    select
        interactions.interaction_id,
        forms_with_rules.form_id,
        forms_with_rules.form_version
    from interactions
    inner join transcribed
        on interactions.interaction_id = transcribed.interaction_id
    inner join forms_with_rules
        on forms_with_rules.effective_from <= cast(interactions.started_at as date)
    qualify row_number() over (
        partition by interactions.interaction_id, forms_with_rules.form_id
        order by forms_with_rules.effective_from desc, forms_with_rules.form_version desc
    ) = 1
)

select * from interaction_forms
