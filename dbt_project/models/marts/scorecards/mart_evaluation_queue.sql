-- The evaluation queue: for each complete ISO week of contacts, the contacts evaluators
-- should score in the following week (queue_week_start), drawn from the sample frame
-- (int_sampling_frame: handled that week, not yet evaluated by a person) with the inclusion
-- probabilities π of int_sampling_inclusion (the agent's quota, contacts the machine flagged
-- oversampled). One row per contact of the frame; `qm queue --period next` writes the
-- selected rows of the latest queue week.
-- Selection: systematic sampling with probability proportional to π within each stratum (an
-- agent's week). The contacts are laid end to end in the order channel, day, then a seeded
-- random key (so the sample spreads over channels and days in proportion), each taking an
-- interval [C_{i−1}, C_i) of length π_i on a line of length quota = Σ π; a random start u
-- in [0, 1) from the seed selects the contacts whose interval holds one of u, u + 1, …,
-- u + quota − 1:
--   selected  ⇔  ⌈C_i − u⌉ − ⌈C_{i−1} − u⌉ = 1
-- Exactly `quota` contacts per stratum; with u uniform each contact's chance is its π.
-- u and the keys come from seeded_uniform (md5 of var('scorecards').queue_seed and the
-- stratum or contact): the same warehouse and seed give the same queue.
-- The sampling weight 1/π of a selected contact makes the Horvitz–Thompson estimate
-- Σ y/π (and the Hájek mean Σ(y/π) / Σ(1/π)) unbiased for the frame.
with inclusion as (
    select * from {{ ref('int_sampling_inclusion') }}
),

keyed as (
    select
        *,
        {{ seeded_uniform('interaction_id') }} as order_key,
        {{ seeded_uniform("agent_id || '|' || cast(week_start as string)") }} as random_start
    from inclusion
),

laid_out as (
    select
        *,
        row_number() over stratum_order as frame_order,
        round(sum(inclusion_probability) over stratum_order, 9) as cumulative_end
    from keyed
    window stratum_order as (
        partition by agent_id, week_start
        order by channel, interaction_date, order_key, interaction_id
        rows between unbounded preceding and current row
    )
),

selected as (
    select
        *,
        round(cumulative_end - inclusion_probability, 9) as cumulative_start,
        ceil(cumulative_end - random_start)
        - ceil(round(cumulative_end - inclusion_probability, 9) - random_start) = 1
        as is_selected
    from laid_out
),

final as (
    select
        queue_week_start,
        week_start,
        interaction_id,
        agent_id,
        team_id,
        channel,
        interaction_date,
        agent_id || '|' || cast(week_start as string) as stratum,
        cast(frame_order as bigint) as frame_order,
        flag_machine_critical_fail,
        flag_negative_sentiment,
        flag_escalation,
        flag_low_agreement,
        raised_by,
        size_measure,
        frame_count,
        planned_evaluations,
        design_effect,
        quota,
        inclusion_probability,
        is_certainty,
        random_start,
        is_selected,
        case when is_selected then 1 / inclusion_probability end as sampling_weight
    from selected
)

select * from final
