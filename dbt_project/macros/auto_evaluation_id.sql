{#- The id of the machine's evaluation of a contact on a form: one per contact and form, so
    an incremental build can name the evaluations of the contacts it redoes. -#}
{% macro auto_evaluation_id(interaction_id, form_id) -%}
    'auto:' || {{ interaction_id }} || ':' || {{ form_id }}
{%- endmacro %}
