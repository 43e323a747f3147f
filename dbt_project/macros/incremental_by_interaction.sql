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

{# The pre-hook of an incremental model: its rows of the changed contacts (or evaluations) go.
   The model's config names them, once: meta `changed_rows`, the model listing them and the
   key column (dbt_project.yml for the intermediate folders, the marts' own config()). The
   model refers to that model in a `-- depends_on:` comment, so dbt builds it first. #}
{% macro delete_changed_rows() -%}
    {% if is_incremental() %}
        {%- set changed = config.get('meta')['changed_rows'] %}
        delete from {{ this }}
        where {{ changed['key'] }} in (select {{ changed['key'] }} from {{ ref(changed['model']) }})
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
{% macro only_changed_evaluations() -%}
    {{ only_changed_interactions('int_changed_evaluations', 'evaluation_id') }}
{%- endmacro %}

{# dbt's data tests on an incremental model read only the rows this build redid (all of them
   on a full build): the other rows are those the previous builds tested, unchanged. Only
   tests that hold row by row are narrowed (not_null, accepted_values, value_between,
   relationships from this model), and unique keys that include the changed rows' key (a
   duplicate cannot span changed and unchanged rows); any other test reads every row. This
   overrides dbt's own get_where_subquery, which applies a test's `where` config. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set changed = changed_rows_of(relation) -%}
    {%- if changed -%}
        {%- set narrowed = changed['key'] ~ ' in (select ' ~ changed['key'] ~ ' from '
            ~ changed['relation'] ~ ')' -%}
        {%- set where = '(' ~ where ~ ') and ' ~ narrowed if where else narrowed -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# The changed rows a test may be narrowed to: the key and the relation listing them, or none. #}
{% macro changed_rows_of(relation) -%}
    {%- if not execute or changed_since_load() | int < 0 or model.resource_type != 'test' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set test = model.test_metadata or {} -%}
    {%- set tested = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier)
        | selectattr('schema', 'equalto', relation.schema)
        | list -%}
    {%- if tested | length != 1 or tested[0].config.materialized != 'incremental' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set changed = (tested[0].config.meta or {}).get('changed_rows') -%}
    {%- set columns = test.kwargs.get('columns') or [test.kwargs.get('column_name')] -%}
    {%- set row_by_row = test.name in ('not_null', 'accepted_values', 'value_between',
        'relationships') -%}
    {%- if not changed or not (row_by_row or (test.name in ('unique', 'unique_combination')
        and changed['key'] in columns)) -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set listing = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', changed['model'])
        | first -%}
    {%- do return({
        'key': changed['key'],
        'relation': api.Relation.create(
            database=listing.database, schema=listing.schema, identifier=listing.alias),
    }) -%}
{%- endmacro %}
