-- Question pass rates behind the scorecards: per segment (an agent, or a team), period grain
-- (ISO week | month), period, source (human | machine), form and question, how many answers
-- passed the question and the Wilson interval of that share:
--   pass_rate = passed / answered (N/A answers left out; failed = a `no`, or under half the
--   points of a scale question, as fct_evaluation_answers.is_failed)
--   bounds (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z at var('scorecards').confidence
-- The evaluations are those of mart_agent_scorecard and mart_team_scorecard
-- (int_scorecard_evaluations): an agent's rows carry the team the agent scorecard gives for
-- the period, a team's rows count the answers of the evaluations attributed to the team.
-- Questions with only N/A answers in a period have no row. Question text, section and
-- position are those of the latest form version answered in the period.
with evaluations as (
    select * from {{ ref('int_scorecard_evaluations') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

questions as (
    select * from {{ ref('dim_questions') }}
),

agent_scorecards as (
    select * from {{ ref('mart_agent_scorecard') }}
),

-- An evaluation's agent, team and source are the same in both grains, and its periods
-- follow from the day of its contact: count the answers per agent, team, day and question
-- first (about a tenth as many rows as answers at a year's scale), then add the days up into
-- each grain's periods, rather than joining every answer to both of its periods.
evaluation_days as (
    select
        evaluation_id,
        agent_id,
        team_id,
        source,
        cast(attributed_at as date) as evaluation_day
    from evaluations
    where period_grain = 'week'
),

day_periods as (
    select distinct
        cast(attributed_at as date) as evaluation_day,
        period_grain,
        period_start,
        period_end
    from evaluations
),

daily_counts as (
    select
        evaluation_days.agent_id,
        evaluation_days.team_id,
        evaluation_days.evaluation_day,
        evaluation_days.source,
        answers.form_id,
        answers.question_id,
        max(answers.form_version) as latest_form_version,
        count(*) filter (where not answers.is_na) as answered_count,
        count(*) filter (where not answers.is_na and not answers.is_failed) as passed_count,
        count(*) filter (where not answers.is_na and answers.is_failed) as failed_count,
        count(*) filter (where answers.is_na) as na_count
    from evaluation_days
    inner join answers
        on evaluation_days.evaluation_id = answers.evaluation_id
    group by all
),

period_counts as (
    select
        daily_counts.*,
        day_periods.period_grain,
        day_periods.period_start,
        day_periods.period_end
    from daily_counts
    inner join day_periods
        on daily_counts.evaluation_day = day_periods.evaluation_day
),

{% set levels = {'agent': 'agent_id', 'team': 'team_id'} %}
segment_counts as (
    {% for kind, key in levels.items() %}
        select
            '{{ kind }}' as segment_kind,
            {{ key }} as segment_value,
            period_grain,
            period_start,
            period_end,
            source,
            form_id,
            question_id,
            max(latest_form_version) as latest_form_version,
            cast(sum(answered_count) as bigint) as answered_count,
            cast(sum(passed_count) as bigint) as passed_count,
            cast(sum(failed_count) as bigint) as failed_count,
            cast(sum(na_count) as bigint) as na_count
        from period_counts
        where {{ key }} is not null
        group by all
        having sum(answered_count) > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

team_names as (
    select
        team_id,
        period_grain,
        period_start,
        source,
        max_by(team_name, attributed_at) as team_name,
        max_by(site, attributed_at) as site
    from evaluations
    where team_id is not null
    group by all
),

with_rates as (
    select
        segment_counts.*,
        passed_count / answered_count as pass_rate,
        {{ wilson_bound('passed_count', 'answered_count', normal_quantile(), -1) }}
            as pass_rate_lower,
        {{ wilson_bound('passed_count', 'answered_count', normal_quantile(), 1) }}
            as pass_rate_upper
    from segment_counts
),

final as (
    select
        with_rates.segment_kind,
        with_rates.segment_value,
        case when with_rates.segment_kind = 'agent' then with_rates.segment_value end
            as agent_id,
        agent_scorecards.agent_name,
        coalesce(agent_scorecards.team_id, team_names.team_id) as team_id,
        coalesce(agent_scorecards.team_name, team_names.team_name) as team_name,
        coalesce(agent_scorecards.site, team_names.site) as site,
        with_rates.period_grain,
        with_rates.period_start,
        with_rates.period_end,
        with_rates.source,
        with_rates.form_id,
        with_rates.question_id,
        questions.question_text,
        questions.section_id,
        questions.section_position,
        questions.question_position,
        questions.critical_level,
        {{ scorecard_confidence() }} as confidence_level,
        with_rates.answered_count,
        with_rates.passed_count,
        with_rates.failed_count,
        with_rates.na_count,
        with_rates.pass_rate,
        with_rates.pass_rate_lower,
        with_rates.pass_rate_upper
    from with_rates
    left join agent_scorecards
        on with_rates.segment_kind = 'agent'
        and with_rates.segment_value = agent_scorecards.agent_id
        and with_rates.period_grain = agent_scorecards.period_grain
        and with_rates.period_start = agent_scorecards.period_start
        and with_rates.source = agent_scorecards.source
    left join team_names
        on with_rates.segment_kind = 'team'
        and with_rates.segment_value = team_names.team_id
        and with_rates.period_grain = team_names.period_grain
        and with_rates.period_start = team_names.period_start
        and with_rates.source = team_names.source
    left join questions
        on with_rates.form_id = questions.form_id
        and with_rates.latest_form_version = questions.form_version
        and with_rates.question_id = questions.question_id
)

select * from final
