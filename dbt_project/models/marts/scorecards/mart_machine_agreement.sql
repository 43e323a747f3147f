-- Can a QA manager trust a question's rule? Per form × question, on the contacts scored by
-- both a person (latest standard evaluation) and the machine: observed agreement and
-- Cohen's κ with its asymptotic standard error and 95 % interval, as statsmodels'
-- `cohens_kappa` computes them (Fleiss, Cohen & Everitt 1969). With p_hm the share of pairs
-- (human h, machine m), r_h and c_m the human and machine marginals:
--   Po = Σ p_kk, Pe = Σ r_k·c_k, κ = (Po − Pe) / (1 − Pe)
--   var κ = [Σ_k p_kk (1 − (r_k + c_k)(1 − κ))² + (1 − κ)² Σ_{h≠m} p_hm (c_h + r_m)²
--           − (κ − Pe (1 − κ))²] / ((1 − Pe)² N)
--   interval κ ± 1.959964·√var κ. κ is null when Pe = 1 (one answer only on both sides).
-- Answer categories are the answers as given (yes, no, na, points); the counts are in
-- mart_machine_agreement_confusion.
with confusion as (
    select * from {{ ref('mart_machine_agreement_confusion') }}
),

totals as (
    select
        form_id,
        question_id,
        cast(sum(pairs_count) as bigint) as pairs_count
    from confusion
    group by form_id, question_id
),

cells as (
    select
        confusion.form_id,
        confusion.question_id,
        confusion.human_answer,
        confusion.machine_answer,
        confusion.pairs_count,
        cast(confusion.pairs_count / totals.pairs_count as double) as cell_share,
        totals.pairs_count as total_pairs
    from confusion
    inner join totals
        on confusion.form_id = totals.form_id
        and confusion.question_id = totals.question_id
),

human_margins as (
    select
        form_id,
        question_id,
        human_answer as answer,
        sum(cell_share) as human_share
    from cells
    group by all
),

machine_margins as (
    select
        form_id,
        question_id,
        machine_answer as answer,
        sum(cell_share) as machine_share
    from cells
    group by all
),

margins as (
    select
        coalesce(human_margins.form_id, machine_margins.form_id) as form_id,
        coalesce(human_margins.question_id, machine_margins.question_id) as question_id,
        coalesce(human_margins.answer, machine_margins.answer) as answer,
        coalesce(human_margins.human_share, 0) as human_share,
        coalesce(machine_margins.machine_share, 0) as machine_share
    from human_margins
    full outer join machine_margins
        on human_margins.form_id = machine_margins.form_id
        and human_margins.question_id = machine_margins.question_id
        and human_margins.answer = machine_margins.answer
),

agreement as (
    select
        totals.form_id,
        totals.question_id,
        totals.pairs_count,
        coalesce(
            (
                select cast(sum(cells.pairs_count) as bigint) from cells
                where cells.form_id = totals.form_id and cells.question_id = totals.question_id
                and cells.human_answer = cells.machine_answer
            ),
            0
        ) as agreed_count,
        (
            select sum(margins.human_share * margins.machine_share) from margins
            where margins.form_id = totals.form_id and margins.question_id = totals.question_id
        ) as expected_agreement
    from totals
),

kappa as (
    select
        *,
        cast(agreed_count / pairs_count as double) as observed_agreement,
        case
            when expected_agreement < 1
                then (agreed_count / pairs_count - expected_agreement) / (1 - expected_agreement)
        end as kappa
    from agreement
),

variance_terms as (
    select
        cells.form_id,
        cells.question_id,
        sum(
            case
                when cells.human_answer = cells.machine_answer
                    then cells.cell_share * pow(
                        1 - (row_margin.human_share + row_margin.machine_share)
                        * (1 - kappa.kappa),
                        2
                    )
                else 0
            end
        ) as term_agreement,
        pow(1 - any_value(kappa.kappa), 2) * sum(
            case
                when cells.human_answer <> cells.machine_answer
                    then cells.cell_share
                    * pow(row_margin.machine_share + column_margin.human_share, 2)
                else 0
            end
        ) as term_disagreement
    from cells
    inner join kappa
        on cells.form_id = kappa.form_id
        and cells.question_id = kappa.question_id
    -- margins of the cell's human answer (row) and of its machine answer (column)
    inner join margins as row_margin
        on cells.form_id = row_margin.form_id
        and cells.question_id = row_margin.question_id
        and cells.human_answer = row_margin.answer
    inner join margins as column_margin
        on cells.form_id = column_margin.form_id
        and cells.question_id = column_margin.question_id
        and cells.machine_answer = column_margin.answer
    group by cells.form_id, cells.question_id
),

with_error as (
    select
        kappa.*,
        sqrt(
            greatest(
                (
                    variance_terms.term_agreement + variance_terms.term_disagreement
                    - pow(kappa.kappa - kappa.expected_agreement * (1 - kappa.kappa), 2)
                ) / (pow(1 - kappa.expected_agreement, 2) * kappa.pairs_count),
                0
            )
        ) as kappa_std_error
    from kappa
    inner join variance_terms
        on kappa.form_id = variance_terms.form_id
        and kappa.question_id = variance_terms.question_id
),

final as (
    select
        form_id,
        question_id,
        pairs_count,
        agreed_count,
        observed_agreement,
        expected_agreement,
        kappa,
        kappa_std_error,
        kappa - 1.959963984540054 * kappa_std_error as kappa_lower_95,
        kappa + 1.959963984540054 * kappa_std_error as kappa_upper_95
    from with_error
)

select * from final
