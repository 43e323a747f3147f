-- Repeat contacts: for every contact with a customer_id, whether the same customer contacted
-- the centre in the var('conversation').repeat_contact_days days before it (is_repeat_contact)
-- or after it (has_repeat_within_7_days), over every contact (abandoned ones too). The one
-- rule behind the friction flags (int_interaction_friction) and first-contact resolution
-- (mart_deflection_opportunities).
with interactions as (
    select * from {{ ref('stg_interactions') }}
),

customer_contacts as (
    select
        interaction_id,
        started_at,
        lag(started_at) over (
            partition by customer_id order by started_at, interaction_id
        ) as previous_started_at,
        lead(started_at) over (
            partition by customer_id order by started_at, interaction_id
        ) as next_started_at
    from interactions
    where customer_id is not null
),

final as (
    select
        interaction_id,
        previous_started_at,
        next_started_at,
        coalesce(previous_started_at >= started_at - {{ repeat_contact_window() }}, false)
            as is_repeat_contact,
        coalesce(next_started_at <= started_at + {{ repeat_contact_window() }}, false)
            as has_repeat_within_7_days
    from customer_contacts
)

select * from final
