"""Calibration marts against references, on the generated sample's calibration sessions.

- mart_calibration: Fleiss' κ against statsmodels (`fleiss_kappa` of `aggregate_raters`) and
  Krippendorff's α against the `krippendorff` package (interval metric), both computed here
  from the calibration answers and scores read out of fct_evaluation_answers /
  fct_evaluations; the bootstrap intervals against the same two references applied to the
  resamples that the documented draw rule (md5 of 'seed|form|replicate|draw') gives, and
  rebuilt by dbt with the same and with another seed.
- mart_calibration_evaluators: the leave-one-out deviations, t-intervals and Bonferroni flags
  against scipy and statsmodels' `multipletests`, and against the generator's ground truth
  (one lenient and one harsh evaluator, everyone else exact).
The hand-built cases (varying raters, a resample, perfect agreement) are dbt unit tests in
dbt_project/models/intermediate/calibration/_calibration.yml and
dbt_project/models/marts/scorecards/_calibration.yml.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
from statsmodels.stats.multitest import multipletests

from tests.conftest import SCORECARD_VARS, rebuild_with_scorecard_vars

pytestmark = pytest.mark.slow
CONFIDENCE = SCORECARD_VARS["confidence"]
SCORE_ROW = "evaluation_score"  # mart_calibration's row for the evaluation's total score


@pytest.fixture(scope="module")
def ratings(warehouse) -> pd.DataFrame:
    """Every calibration rating: answers (category, question score) and evaluation scores,
    on the contacts scored by at least two calibration evaluations."""
    frame = warehouse.execute(
        f"""
        select form_id, question_id, interaction_id, evaluator_id,
            case when is_na then 'na' else answer end as category, question_score as value
        from marts.fct_evaluation_answers where evaluation_type = 'calibration'
        union all
        select form_id, '{SCORE_ROW}', interaction_id, evaluator_id, null, score
        from marts.fct_evaluations where evaluation_type = 'calibration'
        """
    ).df()
    raters = frame.groupby(["form_id", "interaction_id"])["evaluator_id"].transform("nunique")
    return frame[raters >= 2].reset_index(drop=True)


@pytest.fixture(scope="module")
def calibration(warehouse) -> pd.DataFrame:
    return (
        warehouse.execute("select * from marts.mart_calibration")
        .df()
        .set_index(["form_id", "question_id"])
    )


def rating_matrices(ratings: pd.DataFrame, form_id: str, question_id: str):
    """Categories (contacts × evaluators) and values (evaluators × contacts), contacts in
    interaction_id order."""
    rows = ratings[(ratings["form_id"] == form_id) & (ratings["question_id"] == question_id)]
    categories = rows.pivot(index="interaction_id", columns="evaluator_id", values="category")
    values = rows.pivot(index="evaluator_id", columns="interaction_id", values="value")
    return categories.sort_index(), values.sort_index(axis=1).astype(float)


def reference_kappa(categories: np.ndarray) -> float:
    table, _ = aggregate_raters(categories)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(fleiss_kappa(table))  # nan with one category only


def reference_alpha(values: np.ndarray) -> float:
    try:
        return float(krippendorff.alpha(reliability_data=values, level_of_measurement="interval"))
    except ValueError:  # "There has to be more than one value in the domain."
        return float("nan")


def questions(ratings: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(set(zip(ratings["form_id"], ratings["question_id"], strict=True)))


def test_every_calibration_contact_is_rated_by_every_evaluator_of_its_session(ratings):
    # statsmodels' fleiss_kappa needs the same number of ratings per contact: the generator
    # exports a session whole, so the references below apply to all of the data.
    per_contact = ratings.groupby(["form_id", "question_id", "interaction_id"]).size()
    assert per_contact.nunique() == 1 and per_contact.iloc[0] >= 3
    assert ratings["interaction_id"].nunique() >= 20


def test_fleiss_kappa_of_every_question_equals_statsmodels(ratings, calibration):
    checked = 0
    for form_id, question_id in questions(ratings):
        if question_id == SCORE_ROW:
            continue
        categories, _ = rating_matrices(ratings, form_id, question_id)
        expected = reference_kappa(categories.to_numpy())
        row = calibration.loc[(form_id, question_id)]
        assert row["units_count"] == len(categories)
        assert row["ratings_count"] == categories.notna().sum().sum()
        if np.isnan(expected):
            assert pd.isna(row["fleiss_kappa"]), question_id
        else:
            assert row["fleiss_kappa"] == pytest.approx(expected, abs=1e-9), question_id
            checked += 1
    assert checked >= 5
    # the score row has no categories
    assert calibration.xs(SCORE_ROW, level="question_id")["fleiss_kappa"].isna().all()


def test_krippendorff_alpha_of_every_question_and_the_score_equals_the_package(
    ratings, calibration
):
    checked = 0
    for form_id, question_id in questions(ratings):
        _, values = rating_matrices(ratings, form_id, question_id)
        expected = reference_alpha(values.to_numpy())
        row = calibration.loc[(form_id, question_id)]
        if np.isnan(expected):
            assert pd.isna(row["krippendorff_alpha"]), question_id
        else:
            assert row["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9), question_id
            checked += 1
        assert row["alpha_values_count"] == values.notna().sum()[values.notna().sum() >= 2].sum()
    assert checked >= 6
    assert (form_id, SCORE_ROW) in calibration.index


def replicate_units(form_id: str, units_count: int, replicates: int, seed: int) -> np.ndarray:
    """The documented draw rule: draw d of replicate r is unit
    1 + int(first 15 hex digits of md5('seed|form|r|d')) mod N; here 0-based."""
    return np.array(
        [
            [
                int(hashlib.md5(f"{seed}|{form_id}|{r}|{d}".encode()).hexdigest()[:15], 16)
                % units_count
                for d in range(1, units_count + 1)
            ]
            for r in range(1, replicates + 1)
        ]
    )


def test_bootstrap_intervals_equal_the_references_on_the_same_resamples(ratings, calibration):
    replicates, seed = (
        SCORECARD_VARS["calibration_bootstrap_replicates"],
        SCORECARD_VARS["calibration_bootstrap_seed"],
    )
    low, high = (1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2
    for form_id, question_id in questions(ratings):
        categories, values = rating_matrices(ratings, form_id, question_id)
        draws = replicate_units(form_id, len(categories), replicates, seed)
        row = calibration.loc[(form_id, question_id)]
        assert row["bootstrap_replicates"] == replicates

        alphas = [reference_alpha(values.to_numpy()[:, drawn]) for drawn in draws]
        alphas = np.array([value for value in alphas if not np.isnan(value)])
        assert row["alpha_replicates"] == len(alphas), question_id
        if len(alphas):
            expected = np.quantile(alphas, [low, high])
            assert row["krippendorff_alpha_lower"] == pytest.approx(expected[0], abs=1e-9)
            assert row["krippendorff_alpha_upper"] == pytest.approx(expected[1], abs=1e-9)

        if question_id == SCORE_ROW:
            continue
        kappas = [reference_kappa(categories.to_numpy()[drawn]) for drawn in draws]
        kappas = np.array([value for value in kappas if not np.isnan(value)])
        assert row["kappa_replicates"] == len(kappas), question_id
        if len(kappas):
            expected = np.quantile(kappas, [low, high])
            assert row["fleiss_kappa_lower"] == pytest.approx(expected[0], abs=1e-9)
            assert row["fleiss_kappa_upper"] == pytest.approx(expected[1], abs=1e-9)


def test_bootstrap_interval_contains_the_estimate_and_has_width(calibration):
    for statistic in ("fleiss_kappa", "krippendorff_alpha"):
        rows = calibration.dropna(subset=[statistic])
        assert len(rows) >= 5
        lower, upper = rows[f"{statistic}_lower"], rows[f"{statistic}_upper"]
        assert (lower <= rows[statistic] + 1e-12).all(), statistic
        assert (rows[statistic] <= upper + 1e-12).all(), statistic
        assert (upper - lower > 0.01).sum() >= 3, statistic  # not a degenerate interval


def rebuild_calibration(published: Path, workdir: Path, seed: int) -> pd.DataFrame:
    """mart_calibration rebuilt by dbt in a copy of the warehouse with another bootstrap seed."""
    rebuilt = rebuild_with_scorecard_vars(
        published, workdir, "int_calibration_bootstrap_weights+", "marts.mart_calibration",
        calibration_bootstrap_seed=seed,
    )  # fmt: skip
    return rebuilt.set_index(["form_id", "question_id"]).sort_index()


def test_same_seed_gives_the_same_intervals_and_another_seed_other_ones(
    published_warehouse, calibration, tmp_path
):
    published = calibration.sort_index()
    seed = SCORECARD_VARS["calibration_bootstrap_seed"]
    # The same draws; sums of doubles may add up in another order (DuckDB aggregates in
    # parallel), hence the tolerance of a few units in the last place.
    same = rebuild_calibration(published_warehouse, tmp_path, seed)
    pd.testing.assert_frame_equal(same, published, check_exact=False, rtol=1e-12, atol=1e-12)

    other = rebuild_calibration(published_warehouse, tmp_path, seed + 1)
    estimates = ["fleiss_kappa", "krippendorff_alpha", "units_count", "ratings_count"]
    pd.testing.assert_frame_equal(
        other[estimates], published[estimates], check_exact=False, rtol=1e-12, atol=1e-12
    )
    assert (other["kappa_replicates"] > 0).sum() == (published["kappa_replicates"] > 0).sum()
    bounds = ["krippendorff_alpha_lower", "krippendorff_alpha_upper"]
    moved = (other[bounds] - published[bounds]).abs().max(axis=1)
    assert (moved > 1e-6).sum() >= 3  # other draws, other intervals


@pytest.fixture(scope="module")
def evaluators(warehouse) -> pd.DataFrame:
    return (
        warehouse.execute("select * from marts.mart_calibration_evaluators")
        .df()
        .set_index(["form_id", "evaluator_id"])
        .sort_index()
    )


def test_evaluator_intervals_and_flags_equal_scipy_with_a_bonferroni_correction(
    warehouse, evaluators
):
    scores = warehouse.execute(
        "select form_id, interaction_id, evaluator_id, score from marts.fct_evaluations"
        " where evaluation_type = 'calibration' and score is not null"
    ).df()
    contact = scores.groupby(["form_id", "interaction_id"])["score"]
    scores = scores.assign(count=contact.transform("size"), total=contact.transform("sum"))
    scores = scores[scores["count"] >= 2]
    # the consensus of the OTHER evaluators of the contact
    scores["deviation"] = scores["score"] - (scores["total"] - scores["score"]) / (
        scores["count"] - 1
    )
    for form_id, form in scores.groupby("form_id"):
        names = sorted(form["evaluator_id"].unique())
        samples = [form.loc[form["evaluator_id"] == name, "deviation"].to_numpy() for name in names]
        m = len(names)
        p_values = [stats.ttest_1samp(sample, 0.0).pvalue for sample in samples]
        reject = multipletests(p_values, alpha=1 - CONFIDENCE, method="bonferroni")[0]
        for name, sample, rejected in zip(names, samples, reject, strict=True):
            row = evaluators.loc[(form_id, name)]
            n, mean, sem = len(sample), sample.mean(), stats.sem(sample)
            assert row["calibration_contacts_count"] == n
            assert row["evaluators_compared"] == m
            assert row["mean_deviation"] == pytest.approx(mean, abs=1e-9)
            interval = stats.t.interval(CONFIDENCE, n - 1, loc=mean, scale=sem)
            assert row["mean_deviation_lower"] == pytest.approx(interval[0], abs=1e-6)
            assert row["mean_deviation_upper"] == pytest.approx(interval[1], abs=1e-6)
            adjusted = stats.t.interval(1 - (1 - CONFIDENCE) / m, n - 1, loc=mean, scale=sem)
            assert row["adjusted_lower"] == pytest.approx(adjusted[0], abs=1e-6)
            assert row["adjusted_upper"] == pytest.approx(adjusted[1], abs=1e-6)
            assert row["is_significant"] == rejected, name


def test_calibration_finds_the_lenient_and_the_harsh_evaluator_and_no_other(evaluators, truth):
    lenient, harsh = truth["lenient_evaluators"], truth["harsh_evaluators"]
    assert len(lenient) == 1 and len(harsh) == 1
    assert set(evaluators.index.get_level_values("evaluator_id")) == set(
        truth["evaluator_leniency"]
    )
    direction = evaluators.reset_index().set_index("evaluator_id")["direction"]
    expected = {name: "in line" for name in truth["evaluator_leniency"]}
    expected.update({lenient[0]: "lenient", harsh[0]: "harsh"})
    assert direction.to_dict() == expected
    flagged = evaluators[evaluators["is_significant"]].reset_index()["evaluator_id"]
    assert sorted(flagged) == sorted(lenient + harsh)
