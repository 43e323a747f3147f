-- Every condition of every `auto` rule, one row per question × role × condition: role
-- `applies_when` (else the answer is na) or `require` (else the rule is not met). operator is
-- <, <=, >, >=, ==, != against `number` (true/false are 1/0), or `in` / `not in` a list of
-- allowed text `values` or `numbers`. condition_text is the rule as written ("<= 120").
with rules as (
    select * from {{ ref('int_auto_rules') }}
),

roles as (
    {%- for role in ['applies_when', 'require'] %}
    select
        form_id,
        form_version,
        question_id,
        '{{ role }}' as condition_role,
        {{ json_list('auto_rule', '$.' ~ role, {
            'measure': 'string', 'operator': 'string', 'number': 'double',
            'values': ['string'], 'numbers': ['double'], 'text': 'string'}) }} as condition_list
    from rules
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

flattened as (
    select
        form_id,
        form_version,
        question_id,
        condition_role,
        {{ unnest_with_position('condition_list', 'condition_number', 'condition') }}
    from roles
),

final as (
    select
        form_id,
        form_version,
        question_id,
        condition_role,
        condition_number,
        condition.measure,
        condition.operator,
        condition.number as operand_number,
        condition.values as allowed_values,
        condition.numbers as allowed_numbers,
        condition.text as condition_text
    from flattened
)

select * from final
