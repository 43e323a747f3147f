{#- The answers coaching effectiveness counts, from fct_evaluation_answers (`answers`): not
    N/A, from people's standard evaluations of the agent (source `human`) or the machine's
    (`machine`); is_passed when not failed. One select, read by the cells and the idle agents. -#}
{% macro coaching_effectiveness_answers(answers) %}
    select
        agent_id,
        question_id,
        attributed_at,
        case when evaluation_type = 'auto' then 'machine' else 'human' end as source,
        not is_failed as is_passed
    from {{ answers }}
    where not is_na
        and (evaluation_type = 'auto' or (evaluation_type = 'standard' and is_agent_scored))
{% endmacro %}
