-- One verdict per SPC series on "has it shifted recently?": the window with the smallest
-- p-value (int_spc_shift_tests), that p-value made honest for having looked at several
-- windows (Bonferroni: times the windows tested), and the Benjamini-Hochberg q-value across
-- every tested series of its level (process: the centre, sites, teams, queues, channels;
-- agent: single agents), so that among the series listed at q <= `false_discovery_rate` the
-- expected share of false alarms is at most that rate.
with tests as (
    select windows.*, tests.p_value
    from {{ ref('int_spc_shift_windows') }} as windows
    inner join {{ ref('int_spc_shift_tests') }} as tests using (series_id, window_subgroups)
    where tests.p_value is not null
),

best_window as (
    select
        *,
        count(*) over (partition by series_id) as windows_tested
    from tests
    qualify row_number() over (
        partition by series_id order by p_value, window_subgroups, grain
    ) = 1
),

adjusted as (
    select
        *,
        case when segment_kind = 'agent' then 'agent' else 'process' end as level,
        least(1.0, p_value * windows_tested) as series_p_value
    from best_window
),

ranked as (
    select
        *,
        count(*) over (partition by level) as level_series_tested,
        row_number() over (partition by level order by series_p_value, series_id) as p_rank
    from adjusted
),

adjusted_q as (
    select
        {{ star_except(['p_value', 'p_rank']) }},
        p_value as window_p_value,
        least(1.0, min(series_p_value * level_series_tested / p_rank) over (
            partition by level order by p_rank desc
            rows between unbounded preceding and current row
        )) as q_value
    from ranked
),

final as (
    select
        *,
        q_value <= {{ var('attention')['false_discovery_rate'] }} as is_listed
    from adjusted_q
)

select * from final
