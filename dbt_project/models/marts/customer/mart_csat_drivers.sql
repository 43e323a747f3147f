-- What moves CSAT and customer-reported resolution? Per outcome × source × driver (a
-- scorecard question as the machine or people answer it, a friction flag, a sentiment
-- measure: int_csat_driver_observations), on the surveyed contacts where the driver applies:
--   bivariate   the outcome's mean when the driver is met (1) and not met (0) and their
--               difference: for CSAT with Welch's interval (welch_half_width: t with the
--               Welch–Satterthwaite degrees of freedom rounded down, SE √(v₁/n₁ + v₀/n₀)),
--               for the resolution rate with Newcombe's hybrid score interval from the two
--               Wilson intervals (newcombe_bound);
--   adjusted    the driver's coefficient in the OLS of the outcome on every driver of the
--               source, channel and contact reason, with HC1 robust t intervals and its
--               p-value (int_csat_driver_estimates; a linear probability model for the
--               resolution rate): what the driver adds when the others are held equal, so
--               that behaviours that go together are not counted twice.
-- driver_rank orders the drivers with an estimate by |adjusted_effect| within outcome ×
-- source. Below var('customer').drivers_min_contacts contacts in the model the row says
-- there is not enough data and carries no difference or estimate. Every interval is
-- two-sided at var('scorecards').confidence.
with observations as (
    select * from {{ ref('int_csat_driver_observations') }}
),

estimates as (
    select * from {{ ref('int_csat_driver_estimates') }}
),

-- One row per outcome: the contact's outcome value beside its driver value.
outcome_observations as (
    select
        'csat' as outcome,
        source,
        driver_kind,
        driver_id,
        driver_label,
        met_meaning,
        met_clause,
        is_met,
        csat as outcome_value
    from observations
    where csat is not null
    union all
    select
        'customer_reported_resolved' as outcome,
        source,
        driver_kind,
        driver_id,
        driver_label,
        met_meaning,
        met_clause,
        is_met,
        customer_reported_resolved as outcome_value
    from observations
    where customer_reported_resolved is not null
),

-- Every driver of a source, for both outcomes (also one no contact gave).
catalogue as (
    select distinct
        outcomes.outcome,
        observations.source,
        observations.driver_kind,
        observations.driver_id,
        observations.driver_label,
        observations.met_meaning,
        observations.met_clause
    from observations
    cross join (
        select 'csat' as outcome
        union all
        select 'customer_reported_resolved' as outcome
    ) as outcomes
),

-- Contacts where the driver applies, split by met / not met.
counts as (
    select
        outcome,
        source,
        driver_id,
        count(is_met) as contacts,
        count(*) filter (where is_met) as contacts_met,
        count(*) filter (where not is_met) as contacts_not_met,
        avg(outcome_value) filter (where is_met) as outcome_met,
        avg(outcome_value) filter (where not is_met) as outcome_not_met,
        var_samp(outcome_value) filter (where is_met) as variance_met,
        var_samp(outcome_value) filter (where not is_met) as variance_not_met,
        sum(outcome_value) filter (where is_met) as successes_met,
        sum(outcome_value) filter (where not is_met) as successes_not_met
    from outcome_observations
    group by outcome, source, driver_id
),

groups as (
    select
        catalogue.*,
        coalesce(counts.contacts, 0) as contacts,
        coalesce(counts.contacts_met, 0) as contacts_met,
        coalesce(counts.contacts_not_met, 0) as contacts_not_met,
        counts.outcome_met,
        counts.outcome_not_met,
        counts.variance_met,
        counts.variance_not_met,
        counts.successes_met,
        counts.successes_not_met
    from catalogue
    left join counts
        on catalogue.outcome = counts.outcome
        and catalogue.source = counts.source
        and catalogue.driver_id = counts.driver_id
),

with_estimates as (
    select
        groups.*,
        estimates.adjusted_effect,
        estimates.adjusted_lower,
        estimates.adjusted_upper,
        estimates.adjusted_p_value,
        estimates.observations_in_model,
        estimates.estimate_note,
        estimates.observations_in_model
        >= {{ var('customer')['drivers_min_contacts'] }} as has_enough_data
    from groups
    inner join estimates
        on groups.outcome = estimates.outcome
        and groups.source = estimates.source
        and groups.driver_id = estimates.driver_id
),

-- Wilson bounds of the two resolution rates (for Newcombe's interval).
rates as (
    select
        *,
        {{ wilson_bound('successes_met', 'contacts_met', normal_quantile(), -1) }}
            as rate_met_lower,
        {{ wilson_bound('successes_met', 'contacts_met', normal_quantile(), 1) }}
            as rate_met_upper,
        {{ wilson_bound('successes_not_met', 'contacts_not_met', normal_quantile(), -1) }}
            as rate_not_met_lower,
        {{ wilson_bound('successes_not_met', 'contacts_not_met', normal_quantile(), 1) }}
            as rate_not_met_upper
    from with_estimates
),

differences as (
    select
        *,
        case when has_enough_data then outcome_met - outcome_not_met end as difference,
        case
            when not has_enough_data then null
            when outcome = 'csat'
                then outcome_met - outcome_not_met - {{ welch_half_width(
                    'variance_met', 'contacts_met', 'variance_not_met', 'contacts_not_met'
                ) }}
            else {{ newcombe_bound(
                'outcome_met', 'rate_met_lower', 'rate_met_upper',
                'outcome_not_met', 'rate_not_met_lower', 'rate_not_met_upper', -1
            ) }}
        end as difference_lower,
        case
            when not has_enough_data then null
            when outcome = 'csat'
                then outcome_met - outcome_not_met + {{ welch_half_width(
                    'variance_met', 'contacts_met', 'variance_not_met', 'contacts_not_met'
                ) }}
            else {{ newcombe_bound(
                'outcome_met', 'rate_met_lower', 'rate_met_upper',
                'outcome_not_met', 'rate_not_met_lower', 'rate_not_met_upper', 1
            ) }}
        end as difference_upper,
        coalesce(not (adjusted_lower > 0 or adjusted_upper < 0), true) as is_within_noise,
        case
            when adjusted_effect is not null
                then row_number() over (
                    partition by outcome, source, adjusted_effect is not null
                    order by abs(adjusted_effect) desc, driver_id
                )
        end as driver_rank
    from rates
),

-- "Contacts where the agent checked the issue was resolved score 0.58 CSAT points higher
-- (0.47 to 0.69), the other drivers, channel and contact reason held equal."
sentences as (
    select
        *,
        case
            when adjusted_effect is null
                then driver_label || ': no adjusted estimate (' || estimate_note || ').'
            when outcome = 'csat'
                then 'Contacts where ' || met_clause || ' score '
                || {{ format_number('abs(adjusted_effect)', '.2f') }} || ' CSAT points '
                || case when adjusted_effect >= 0 then 'higher' else 'lower' end
                || ' (' || {{ format_number('adjusted_lower', '.2f') }} || ' to '
                || {{ format_number('adjusted_upper', '.2f') }} || ')'
            else 'Contacts where ' || met_clause || ' are reported resolved by the customer '
                || {{ format_number('100 * abs(adjusted_effect)', '.1f') }} || ' percentage points '
                || case when adjusted_effect >= 0 then 'more' else 'less' end
                || ' often (' || {{ format_number('100 * adjusted_lower', '.1f') }} || ' to '
                || {{ format_number('100 * adjusted_upper', '.1f') }} || ')'
        end
        || case
            when adjusted_effect is null then ''
            else ', the other '
                || case when source = 'transcript' then 'flags and measures' else 'questions' end
                || ', channel and contact reason held equal'
                || case when is_within_noise then ': within noise.' else '.' end
        end as sentence
    from differences
),

final as (
    select
        outcome,
        source,
        driver_kind,
        driver_id,
        driver_label,
        met_meaning,
        cast(contacts as bigint) as contacts,
        cast(contacts_met as bigint) as contacts_met,
        cast(contacts_not_met as bigint) as contacts_not_met,
        outcome_met,
        outcome_not_met,
        difference,
        difference_lower,
        difference_upper,
        adjusted_effect,
        adjusted_lower,
        adjusted_upper,
        adjusted_p_value,
        is_within_noise,
        cast(driver_rank as bigint) as driver_rank,
        sentence,
        cast(observations_in_model as bigint) as observations_in_model
    from sentences
)

select * from final
