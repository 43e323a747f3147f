-- The windows of each coaching session, one row per session × coached question × source
-- (`human`: people's standard evaluations of the agent; `machine`: automated answers). With
-- w = var('coaching').window_days and s = settle_days:
--   before = [held_at − w, held_at)      after = [held_at + s, held_at + s + w)
-- (half-open: the end is the first instant not in the window). Both are cut at the data's
-- range: from the first contact day, to the end of the source's last complete day, the last
-- contact day less the days that source's answers take to land (complete_after_days of the
-- registry's qa_score for people, machine_qa_score for the machine, as the scorecards
-- count a period complete). An after window cut short is still open: its figures grow.
-- Controls are every other agent not coached on the question between held_at − 2w and
-- the nominal after end (exclusion_start, exclusion_end here): a control's own session in
-- or shortly before the windows would move its pass rate between them; the margin of one
-- window before the before window covers the days a session takes to show.
{% set arrival_days = {} %}
{% for metric in var('metrics') if metric.metric in ['qa_score', 'machine_qa_score'] %}
    {% do arrival_days.update({metric.metric: metric.complete_after_days}) %}
{% endfor %}
{% set window_days = var('coaching')['window_days'] %}
{% set settle_days = var('coaching')['settle_days'] %}

with sessions as (
    select * from {{ ref('stg_coaching_sessions') }}
),

interactions as (
    select * from {{ ref('fct_interactions') }}
),

session_questions as (
    select distinct
        coaching_id,
        agent_id,
        coach_id,
        held_at,
        {{ unnest_list('question_ids', 'question_id') }}
    from sessions
    where agent_id is not null and held_at is not null
),

data_range as (
    {% for source, metric in [('human', 'qa_score'), ('machine', 'machine_qa_score')] %}
        select
            '{{ source }}' as source,
            cast(min(interaction_date) as timestamp) as data_start,
            cast({{ dbt.dateadd(
                'day', 1 - arrival_days[metric], 'max(interaction_date)'
            ) }} as timestamp) as data_end
        from interactions
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

nominal as (
    select
        session_questions.*,
        data_range.source,
        data_range.data_start,
        data_range.data_end,
        {{ dbt.dateadd('day', -window_days, 'session_questions.held_at') }}
            as nominal_before_start,
        {{ dbt.dateadd('day', settle_days, 'session_questions.held_at') }}
            as nominal_after_start,
        {{ dbt.dateadd('day', settle_days + window_days, 'session_questions.held_at') }}
            as nominal_after_end,
        {{ dbt.dateadd('day', -2 * window_days, 'session_questions.held_at') }}
            as exclusion_start
    from session_questions
    cross join data_range
),

final as (
    select
        coaching_id,
        question_id,
        source,
        agent_id,
        coach_id,
        held_at,
        cast(greatest(nominal_before_start, data_start) as timestamp) as before_start,
        -- a before window that ends before the data starts is empty
        cast(
            greatest(least(held_at, data_end), nominal_before_start, data_start) as timestamp
        ) as before_end,
        cast(nominal_after_start as timestamp) as after_start,
        -- an after window that starts past the data is empty: [after_start, after_start)
        cast(
            greatest(nominal_after_start, least(nominal_after_end, data_end)) as timestamp
        ) as after_end,
        nominal_after_end <= data_end as is_after_window_complete,
        cast(exclusion_start as timestamp) as exclusion_start,
        cast(nominal_after_end as timestamp) as exclusion_end,
        data_end
    from nominal
)

select * from final
