-- The contacts an incremental build redoes in the models that read a customer's other
-- contacts (int_interaction_repeats: the friction flags and everything that reads them):
-- the changed contacts (int_changed_interactions) and every contact of the same customer
-- within var('conversation').repeat_contact_days days of any version of a changed contact,
-- as first landed or as restated. A new or restated contact makes such a neighbour a repeat
-- contact or one no longer, and nothing else: a contact's repeat flags depend only on its
-- customer's contacts inside that window. Rebuilt by every build; when every contact is
-- changed (a full build), they are the whole set without the search.
with changed as (
    select interaction_id from {{ ref('int_changed_interactions') }}
),

-- every landed version of a changed contact: a restatement may move it to another customer
-- or day, so the neighbours of the old version change as well
changed_versions as (
    select distinct
        raw_interactions.customer_id,
        raw_interactions.started_at
    from {{ source('raw', 'interactions') }} as raw_interactions
    semi join changed
        on raw_interactions.interaction_id = changed.interaction_id
    where raw_interactions.customer_id is not null
),

neighbours as (
    select interactions.interaction_id
    from {{ ref('stg_interactions') }} as interactions
    semi join changed_versions
        on interactions.customer_id = changed_versions.customer_id
        and interactions.started_at
            between changed_versions.started_at - {{ repeat_contact_window() }}
            and changed_versions.started_at + {{ repeat_contact_window() }}
)

select interaction_id from changed
{% if changed_since_load() | int >= 0 -%}
union
select interaction_id from neighbours
{%- endif %}
