{#- How near in time two contacts of one customer make the later a repeat contact (project var
    conversation.repeat_contact_days), as a DuckDB interval. -#}
{% macro repeat_contact_window() -%}
    interval '{{ var('conversation')['repeat_contact_days'] }} days'
{%- endmacro %}
