-- Incremental models keyed by contact: a build passes `changed_since_load`, the last load
-- sequence the previous successful build had read (orchestration/incremental.py sets the
-- environment variable QM_CHANGED_SINCE_LOAD; a dbt var of that name, given by hand, wins).
-- int_changed_interactions lists the contacts any later load touched; each incremental model
-- deletes its rows of those contacts and inserts them again, recomputed from every row of
-- theirs. A contact's rows there depend only on that contact's rows, so the result is the
-- same as a full rebuild. The models that also read the customer's other contacts (repeat
-- contacts: the friction flags and what reads them) redo a wider set,
-- int_changed_interactions_and_repeats: the changed contacts and their customers' contacts
-- within the repeat window; fct_interactions redoes int_changed_interaction_facts. The
-- scoring models and evaluation facts are keyed by evaluation instead: they redo
-- int_changed_evaluations. The default, -1, treats every row as changed: a plain
-- `dbt build` by hand stays correct, only slower.

{% macro changed_since_load() -%}
    {{ var('changed_since_load', env_var('QM_CHANGED_SINCE_LOAD', '-1')) | int }}
{%- endmacro %}

{# The pre-hook of an incremental model: its rows of the changed contacts go. `changed` names
   the model listing them, `key` the column. #}
{% macro delete_changed_interactions(changed='int_changed_interactions', key='interaction_id') -%}
    {% if is_incremental() %}
        delete from {{ this }}
        where {{ key }} in (select {{ key }} from {{ ref(changed) }})
    {% endif %}
{%- endmacro %}

{# The filter of an incremental model's input: only the changed contacts (all of them on a
   full build). #}
{% macro only_changed_interactions(changed='int_changed_interactions', key='interaction_id') -%}
    {% if is_incremental() %}
        where {{ key }} in (select {{ key }} from {{ ref(changed) }})
    {% endif %}
{%- endmacro %}

{# The same for the models keyed by evaluation (every revision of a changed evaluation). #}
{% macro delete_changed_evaluations() -%}
    {{ delete_changed_interactions('int_changed_evaluations', 'evaluation_id') }}
{%- endmacro %}

{% macro only_changed_evaluations() -%}
    {{ only_changed_interactions('int_changed_evaluations', 'evaluation_id') }}
{%- endmacro %}
