{#- Handle time of a contact: talk + hold + after-contact work of an answered contact (null
    when abandoned). `interactions` names a relation with stg_interactions' columns. -#}
{% macro handle_seconds(interactions) -%}
    case
        when not {{ interactions }}.is_abandoned
            then coalesce({{ interactions }}.talk_seconds, 0)
            + coalesce({{ interactions }}.hold_seconds, 0)
            + coalesce({{ interactions }}.after_contact_work_seconds, 0)
    end
{%- endmacro %}
