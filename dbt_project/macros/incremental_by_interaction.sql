-- Incremental models keyed by contact (the transcript chain): a build passes
-- `changed_since_load`, the last load sequence the previous successful build had read
-- (orchestration/incremental.py). int_changed_interactions lists the contacts any later load
-- touched; each incremental model deletes its rows of those contacts and inserts them again,
-- recomputed from every row of theirs. A contact's rows depend only on that contact's rows,
-- so the result is the same as a full rebuild. The default, -1, treats every contact as
-- changed: a plain `dbt build` by hand stays correct, only slower.

{% macro changed_since_load() -%}
    {{ var('changed_since_load', -1) | int }}
{%- endmacro %}

{# The pre-hook of an incremental model: its rows of the changed contacts go. #}
{% macro delete_changed_interactions() -%}
    {% if is_incremental() %}
        delete from {{ this }}
        where interaction_id in (
            select interaction_id from {{ ref('int_changed_interactions') }}
        )
    {% endif %}
{%- endmacro %}

{# The filter of an incremental model's input: only the changed contacts (all of them on a
   full build). #}
{% macro only_changed_interactions() -%}
    {% if is_incremental() %}
        where interaction_id in (select interaction_id from {{ ref('int_changed_interactions') }})
    {% endif %}
{%- endmacro %}
