-- The bootstrap's resamples of calibration contacts, per form: replicate r (1..R) draws N of
-- the form's N units (int_calibration_ratings.unit_index) with replacement; draw d of
-- replicate r is unit
--   1 + (the first 15 hex digits, 60 bits, of md5('<seed>|<form_id>|<r>|<d>')) mod N
-- so the same warehouse and seed give the same draws (md5, not a random generator: any
-- engine or language can repeat them). Replicate 0 is the sample itself, every unit once, so
-- the estimate and its replicates come from one formula. weight = how often the replicate
-- drew the unit (units not drawn have no row). R and the seed: var('scorecards')
-- calibration_bootstrap_replicates and calibration_bootstrap_seed.
{% set replicates = var('scorecards')['calibration_bootstrap_replicates'] %}
{% set seed = var('scorecards')['calibration_bootstrap_seed'] %}
with ratings as (
    select * from {{ ref('int_calibration_ratings') }}
),

units as (
    select distinct
        form_id,
        unit_index
    from ratings
),

forms as (
    select
        form_id,
        count(*) as units_count
    from units
    group by form_id
),

draws as (
    select
        forms.form_id,
        replicates.replicate,
        forms.units_count,
        {{ unnest_list(integer_list(1, 'forms.units_count'), 'draw') }}
    from forms
    cross join
        (select {{ unnest_list(integer_list(1, replicates), 'replicate') }}) as replicates
),

drawn_units as (
    select
        form_id,
        replicate,
        cast(
            1 + {{ hex_to_bigint('left(' ~ dbt.hash(
                "concat_ws('|', " ~ seed ~ ", form_id, replicate, draw)") ~ ', 15)') }}
            % units_count
            as integer
        ) as unit_index
    from draws
),

resampled as (
    select
        form_id,
        cast(replicate as integer) as replicate,
        unit_index,
        cast(count(*) as integer) as weight
    from drawn_units
    group by form_id, replicate, unit_index
),

sample as (
    select
        form_id,
        0 as replicate,
        cast(unit_index as integer) as unit_index,
        1 as weight
    from units
),

final as (
    select * from sample
    union all
    select * from resampled
)

select * from final
