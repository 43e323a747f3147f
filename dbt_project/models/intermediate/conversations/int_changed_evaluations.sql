-- The evaluations whose rows an incremental build redoes in the scoring models and the
-- evaluation facts (keyed by evaluation_id, every revision): those with evaluation or answer
-- rows landed since the previous build, the human evaluations of a contact whose
-- fct_interactions row is redone (int_changed_interaction_facts: its day, channel and queue)
-- or of an agent whose roster changed (int_changed_agents), and the machine's evaluations of
-- those contacts, on every form with `auto` rules, whether the contact still has one or not.
-- Rebuilt by every build; on a full build, every evaluation.
-- depends_on: {{ ref('int_auto_evaluations') }}
with contacts as (
    select interaction_id from {{ ref('int_changed_interaction_facts') }}
),

landed as (
    select evaluation_id from {{ source('raw', 'evaluations') }}
    where _load_sequence > {{ changed_since_load() }}
    union
    select evaluation_id from {{ source('raw', 'evaluation_answers') }}
    where _load_sequence > {{ changed_since_load() }}
),

human as (
    select evaluation_id from {{ ref('stg_evaluations') }}
    where
        interaction_id in (select interaction_id from contacts)
        or agent_id in (select agent_id from {{ ref('int_changed_agents') }})
),

auto_forms as (
    select distinct form_id from {{ ref('int_auto_rules') }}
),

-- (a full build, where every contact counts, takes the machine's evaluations as they are)
machine as (
    {% if changed_since_load() | int >= 0 -%}
    select {{ auto_evaluation_id('contacts.interaction_id', 'auto_forms.form_id') }}
        as evaluation_id
    from contacts
    cross join auto_forms
    {%- else -%}
    select evaluation_id from {{ ref('int_auto_evaluations') }}
    {%- endif %}
),

final as (
    select evaluation_id from landed
    union
    select evaluation_id from human
    union
    select evaluation_id from machine
)

select * from final
