-- Every condition of every `auto` rule, one row per question × role × condition: role
-- `applies_when` (else the answer is na) or `require` (else the rule is not met). operator is
-- <, <=, >, >=, ==, != against `number` (true/false are 1/0), or `in` / `not in` a list of
-- allowed text `values` or `numbers`. condition_text is the rule as written ("<= 120").
with rules as (
    select * from {{ ref('int_auto_rules') }}
),

roles as (
    select
        rules.form_id,
        rules.form_version,
        rules.question_id,
        role.condition_role,
        cast(rules.auto_rule as json) -> role.condition_role as conditions,
    from rules
    cross join (values ('applies_when'), ('require')) as role (condition_role)
),

parsed as (
    select
        form_id,
        form_version,
        question_id,
        condition_role,
        from_json(
            conditions,
            '[{"measure": "VARCHAR", "operator": "VARCHAR", "number": "DOUBLE",
               "values": ["VARCHAR"], "numbers": ["DOUBLE"], "text": "VARCHAR"}]'
        ) as condition_list,
    from roles
    where json_array_length(conditions) > 0
),

flattened as (
    select
        form_id,
        form_version,
        question_id,
        condition_role,
        unnest(range(1, len(condition_list) + 1)) as condition_number,
        unnest(condition_list) as condition,
    from parsed
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
        condition.text as condition_text,
    from flattened
)

select * from final
