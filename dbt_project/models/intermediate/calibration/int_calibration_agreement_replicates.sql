-- Fleiss' κ and Krippendorff's α (interval) of every form × question (and the evaluation
-- score) in every bootstrap replicate (int_calibration_bootstrap_weights; replicate 0 is the
-- sample itself, so its row is the estimate). A unit (calibration contact) drawn w times
-- counts w times, as w separate contacts.
--
-- Fleiss' κ over the answer categories, in its general form for a varying number of ratings
-- per contact (Fleiss 1971; Fleiss, Levin & Paik 2003, ch. 18). Contact i has n_i ratings,
-- n_ij of them in category j; contacts with fewer than 2 ratings are left out:
--   P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1))     agreeing pairs of the contact's ratings
--   P̄ = mean of P_i over contacts, p_j = Σ_i n_ij / Σ_i n_i, P_e = Σ_j p_j²
--   κ = (P̄ − P_e) / (1 − P_e); null when P_e = 1 (one category only).
-- With the same n for every contact this is statsmodels' fleiss_kappa.
--
-- Krippendorff's α with the interval metric δ²(a, b) = (a − b)² over the rating values (the
-- question score; the evaluation score), as the `krippendorff` package computes it. Contact
-- u has m_u values (N/A answers are missing values); contacts with m_u < 2 are left out;
-- n = Σ m_u pairable values. Sums of squared differences over ordered pairs of distinct
-- values need only Σv and Σv²: Σ_{a≠b} (v_a − v_b)² = 2 m Σv² − 2 (Σv)². So
--   D_o = (1/n) Σ_u [2 m_u Σv² − 2 (Σv)²]_u / (m_u − 1)    observed disagreement
--   D_e = [2 n Σv² − 2 (Σv)²]_all / (n (n − 1))            expected disagreement
--   α = 1 − D_o / D_e = (Σ_all − (n − 1) Σ_within) / Σ_all, Σ_within = Σ_u [..]_u / (m_u − 1);
--   null when every value is the same (D_e = 0).
with ratings as (
    select * from {{ ref('int_calibration_ratings') }}
),

weights as (
    select * from {{ ref('int_calibration_bootstrap_weights') }}
),

-- κ: the ratings of each contact by answer category
unit_categories as (
    select
        form_id,
        question_id,
        unit_index,
        answer_category,
        count(*) as category_count
    from ratings
    where answer_category is not null
    group by all
),

unit_agreement as (
    select
        form_id,
        question_id,
        unit_index,
        sum(category_count) as ratings_count,
        sum(category_count * (category_count - 1))
        / (sum(category_count) * (sum(category_count) - 1)) as unit_agreement
    from unit_categories
    group by all
    having sum(category_count) >= 2
),

replicate_agreement as (
    select
        weights.form_id,
        unit_agreement.question_id,
        weights.replicate,
        sum(weights.weight) as kappa_units_count,
        sum(weights.weight * unit_agreement.ratings_count) as kappa_ratings_count,
        sum(weights.weight * unit_agreement.unit_agreement)
        / sum(weights.weight) as observed_agreement
    from weights
    inner join unit_agreement
        on weights.form_id = unit_agreement.form_id
        and weights.unit_index = unit_agreement.unit_index
    group by all
),

replicate_categories as (
    select
        weights.form_id,
        unit_categories.question_id,
        weights.replicate,
        unit_categories.answer_category,
        sum(weights.weight * unit_categories.category_count) as category_ratings
    from weights
    inner join unit_categories
        on weights.form_id = unit_categories.form_id
        and weights.unit_index = unit_categories.unit_index
    -- only contacts with at least 2 ratings
    inner join unit_agreement
        on unit_categories.form_id = unit_agreement.form_id
        and unit_categories.question_id = unit_agreement.question_id
        and unit_categories.unit_index = unit_agreement.unit_index
    group by all
),

replicate_kappa as (
    select
        replicate_agreement.form_id,
        replicate_agreement.question_id,
        replicate_agreement.replicate,
        replicate_agreement.kappa_units_count,
        replicate_agreement.kappa_ratings_count,
        count(*) as categories_count,
        replicate_agreement.observed_agreement,
        sum(
            pow(
                replicate_categories.category_ratings
                / replicate_agreement.kappa_ratings_count,
                2
            )
        ) as expected_agreement
    from replicate_agreement
    inner join replicate_categories
        on replicate_agreement.form_id = replicate_categories.form_id
        and replicate_agreement.question_id = replicate_categories.question_id
        and replicate_agreement.replicate = replicate_categories.replicate
    group by all
),

-- α: the values of each contact
unit_values as (
    select
        form_id,
        question_id,
        unit_index,
        count(rating_value) as values_count,
        sum(rating_value) as value_sum,
        sum(rating_value * rating_value) as value_square_sum,
        min(rating_value) as value_min,
        max(rating_value) as value_max
    from ratings
    where rating_value is not null
    group by all
    having count(rating_value) >= 2
),

replicate_values as (
    select
        weights.form_id,
        unit_values.question_id,
        weights.replicate,
        sum(weights.weight) as alpha_units_count,
        sum(weights.weight * unit_values.values_count) as values_count,
        sum(weights.weight * unit_values.value_sum) as value_sum,
        sum(weights.weight * unit_values.value_square_sum) as value_square_sum,
        sum(
            weights.weight
            * (
                2 * unit_values.values_count * unit_values.value_square_sum
                - 2 * unit_values.value_sum * unit_values.value_sum
            )
            / (unit_values.values_count - 1)
        ) as within_unit_squares,
        max(unit_values.value_max) > min(unit_values.value_min) as has_spread
    from weights
    inner join unit_values
        on weights.form_id = unit_values.form_id
        and weights.unit_index = unit_values.unit_index
    group by all
),

replicate_alpha as (
    select
        form_id,
        question_id,
        replicate,
        alpha_units_count,
        values_count,
        within_unit_squares,
        -- Σ over ordered pairs of any two values
        2 * values_count * value_square_sum - 2 * value_sum * value_sum as all_pairs_squares,
        has_spread
    from replicate_values
),

replicate_disagreement as (
    select
        *,
        within_unit_squares / values_count as observed_disagreement,
        case
            when has_spread then all_pairs_squares / (values_count * (values_count - 1))
        end as expected_disagreement,
        -- 1 − D_o / D_e with one division (exact inputs give a correctly rounded α)
        case
            when has_spread
                then (all_pairs_squares - (values_count - 1) * within_unit_squares)
                / all_pairs_squares
        end as krippendorff_alpha
    from replicate_alpha
),

replicate_keys as (
    select form_id, question_id, replicate from replicate_kappa
    union
    select form_id, question_id, replicate from replicate_disagreement
),

final as (
    select
        replicate_keys.form_id,
        replicate_keys.question_id,
        replicate_keys.replicate,
        cast(coalesce(replicate_kappa.kappa_units_count, 0) as integer) as kappa_units_count,
        cast(coalesce(replicate_kappa.kappa_ratings_count, 0) as integer)
            as kappa_ratings_count,
        replicate_kappa.observed_agreement,
        replicate_kappa.expected_agreement,
        case
            when replicate_kappa.categories_count > 1
                then (replicate_kappa.observed_agreement - replicate_kappa.expected_agreement)
                / (1 - replicate_kappa.expected_agreement)
        end as fleiss_kappa,
        cast(coalesce(replicate_disagreement.alpha_units_count, 0) as integer)
            as alpha_units_count,
        cast(coalesce(replicate_disagreement.values_count, 0) as integer) as alpha_values_count,
        replicate_disagreement.observed_disagreement,
        replicate_disagreement.expected_disagreement,
        replicate_disagreement.krippendorff_alpha
    from replicate_keys
    left join replicate_kappa
        on replicate_keys.form_id = replicate_kappa.form_id
        and replicate_keys.question_id = replicate_kappa.question_id
        and replicate_keys.replicate = replicate_kappa.replicate
    left join replicate_disagreement
        on replicate_keys.form_id = replicate_disagreement.form_id
        and replicate_keys.question_id = replicate_disagreement.question_id
        and replicate_keys.replicate = replicate_disagreement.replicate
)

select * from final
