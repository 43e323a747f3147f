"""mart_csat_drivers on the generated sample, against references computed here from the
published facts (fct_interactions, fct_evaluation_answers), never from the mart's own inputs:
the adjusted effects from statsmodels' OLS with HC1 standard errors, the bivariate intervals
from statsmodels' CompareMeans (Welch) and confint_proportions_2indep (Newcombe), and the
ranking of the questions that move CSAT from the generator's ground truth."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

pytestmark = pytest.mark.slow

VARS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml").read_text()
)["vars"]
ALPHA = 1 - VARS["scorecards"]["confidence"]
MIN_CONTACTS = VARS["customer"]["drivers_min_contacts"]
FLAGS = [flag["flag"] for flag in VARS["conversation"]["friction_flags"]]
NEGATIVE = VARS["conversation"]["negative_ending_compound"]
TOLERANCE = 1e-9
OUTCOMES = {"csat": "csat", "customer_reported_resolved": "resolved"}


@pytest.fixture(scope="module")
def drivers(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_csat_drivers").df()


@pytest.fixture(scope="module")
def contacts(warehouse) -> pd.DataFrame:
    """Surveyed contacts with an outcome, from fct_interactions."""
    frame = warehouse.execute(
        """
        select * from marts.fct_interactions
        where survey_id is not null
            and (csat is not null or is_customer_reported_resolved is not null)
        """
    ).df()
    frame["contact_reason"] = frame["contact_reason"].fillna("(none)")
    frame["resolved"] = frame["is_customer_reported_resolved"].astype("float64")
    frame["csat"] = frame["csat"].astype("float64")
    return frame.set_index("interaction_id")


def question_matrix(warehouse, contacts: pd.DataFrame, human: bool) -> pd.DataFrame:
    """contact × question: 1 when the answer earns full points, 0 when not, NaN when N/A."""
    where = "is_agent_scored" if human else "evaluation_type = 'auto'"
    answers = warehouse.execute(
        f"select * from marts.fct_evaluation_answers where {where}"  # noqa: S608
    ).df()
    # the latest people-scored evaluation; the machine's of the first form
    answers = answers.sort_values(
        ["submitted_at", "evaluation_id"] if human else ["form_id"],
        ascending=[False, False] if human else [True],
    ).drop_duplicates(["interaction_id", "question_id"])
    answers["met"] = np.where(
        answers["is_na"] | answers["question_score"].isna(),
        np.nan,
        (answers["question_score"] == 1).astype(float),
    )
    matrix = answers.pivot(index="interaction_id", columns="question_id", values="met")
    base = contacts if human else contacts[contacts["has_transcript"] & ~contacts["is_abandoned"]]
    return matrix[matrix.index.isin(base.index)]


def transcript_matrix(contacts: pd.DataFrame) -> pd.DataFrame:
    """contact × friction flag and sentiment measure (thresholds as documented)."""
    base = contacts[contacts["has_transcript"] & ~contacts["is_abandoned"]]
    matrix = pd.DataFrame(index=base.index)
    for flag in FLAGS:
        matrix[flag] = base[flag].astype(float)
    matrix.loc[base["channel"] != "voice", "has_dead_air"] = np.nan
    measures = {
        "customer_starts_negative": base["customer_sentiment_start"] <= NEGATIVE,
        "customer_strongly_negative_turn": base["customer_sentiment_min"] <= -0.5,
        "customer_sentiment_improves": base["customer_sentiment_change"] > 0,
        "agent_positive": base["agent_sentiment_mean"] >= 0.05,
    }
    columns = {
        "customer_starts_negative": "customer_sentiment_start",
        "customer_strongly_negative_turn": "customer_sentiment_min",
        "customer_sentiment_improves": "customer_sentiment_change",
        "agent_positive": "agent_sentiment_mean",
    }
    for measure, met in measures.items():
        matrix[measure] = met.astype(float).where(base[columns[measure]].notna())
    return matrix


@pytest.fixture(scope="module")
def matrices(warehouse, contacts) -> dict[str, pd.DataFrame]:
    return {
        "machine": question_matrix(warehouse, contacts, human=False),
        "human": question_matrix(warehouse, contacts, human=True),
        "transcript": transcript_matrix(contacts),
    }


def model_frame(matrix: pd.DataFrame, contacts: pd.DataFrame, outcome: str):
    """The contacts of one regression: those of the source that gave the outcome."""
    column = OUTCOMES[outcome]
    joined = matrix.join(contacts[[column, "channel", "contact_reason"]], how="inner")
    return joined[joined[column].notna()].sort_index()


def design(frame: pd.DataFrame, drivers: list[str], estimated: list[str]) -> pd.DataFrame:
    """Intercept, channel and contact-reason dummies (first level dropped), a not-applicable
    indicator for every driver that sometimes does not apply, and the estimated drivers."""
    parts = [
        pd.Series(1.0, index=frame.index, name="const"),
        pd.get_dummies(frame["channel"], prefix="channel", drop_first=True, dtype=float),
        pd.get_dummies(frame["contact_reason"], prefix="reason", drop_first=True, dtype=float),
    ]
    for driver in drivers:
        missing = frame[driver].isna()
        if 0 < missing.sum() < len(frame):
            parts.append(missing.astype(float).rename(f"na_{driver}"))
    for driver in estimated:
        parts.append(frame[driver].fillna(0.0).rename(driver))
    return pd.concat(parts, axis=1)


def without_redundant_covariates(exog: pd.DataFrame, estimated: list[str]) -> pd.DataFrame:
    """Drops the dummies and not-applicable indicators that are exact combinations of the
    columns before them (the N/A of dead air is "not voice"), so that statsmodels fits a
    design of full rank (its pseudo-inverse keeps singular values down to 1e-15 of the
    largest, and an exact combination can land just above that)."""
    kept: list[str] = []
    for column in exog.columns:
        if kept and column not in estimated:
            before = exog[kept].to_numpy()
            weights = np.linalg.lstsq(before, exog[column].to_numpy(), rcond=None)[0]
            if np.abs(exog[column].to_numpy() - before @ weights).max() < 1e-8:
                continue
        kept.append(column)
    reduced = exog[kept]
    assert np.linalg.matrix_rank(reduced.to_numpy()) == len(kept), "a driver is redundant"
    return reduced


def groups(drivers: pd.DataFrame):
    for (outcome, source), rows in drivers.groupby(["outcome", "source"]):
        yield outcome, source, rows.set_index("driver_id")


def test_every_outcome_source_and_driver_has_a_row(drivers, matrices):
    for source, matrix in matrices.items():
        for outcome in OUTCOMES:
            rows = drivers[(drivers["outcome"] == outcome) & (drivers["source"] == source)]
            assert set(rows["driver_id"]) == set(matrix.columns), (outcome, source)
    assert drivers["source"].isin(["machine", "human", "transcript"]).all()
    kinds = drivers.set_index(["source", "driver_id"])["driver_kind"]
    assert (kinds.loc[["machine", "human"]] == "question").all()
    assert set(kinds.loc["transcript"]) == {"friction", "sentiment"}


def test_adjusted_effects_equal_statsmodels_ols_with_hc1(drivers, matrices, contacts):
    """Each outcome × source: statsmodels OLS(...).fit(cov_type='HC1', use_t=True) on the
    design re-derived here gives every estimated driver's coefficient, t interval and
    p-value."""
    fitted = 0
    for outcome, source, rows in groups(drivers):
        frame = model_frame(matrices[source], contacts, outcome)
        assert (rows["observations_in_model"] == len(frame)).all(), (outcome, source)
        estimated = sorted(rows.index[rows["adjusted_effect"].notna()])
        if len(frame) < MIN_CONTACTS:
            assert not estimated, (outcome, source)
            continue
        exog = without_redundant_covariates(
            design(frame, list(matrices[source].columns), estimated), estimated
        )
        fit = sm.OLS(frame[OUTCOMES[outcome]], exog).fit(cov_type="HC1", use_t=True)
        bounds = fit.conf_int(alpha=ALPHA)
        for driver in estimated:
            row = rows.loc[driver]
            assert row["adjusted_effect"] == pytest.approx(fit.params[driver], abs=TOLERANCE)
            assert row["adjusted_lower"] == pytest.approx(bounds.loc[driver, 0], abs=TOLERANCE)
            assert row["adjusted_upper"] == pytest.approx(bounds.loc[driver, 1], abs=TOLERANCE)
            assert row["adjusted_p_value"] == pytest.approx(fit.pvalues[driver], abs=TOLERANCE)
            fitted += 1
    assert fitted >= 30


def test_drivers_without_an_estimate_cannot_be_estimated(drivers, matrices, contacts):
    """A driver is left out only when it is constant where it applies, or adding it to the
    design does not raise its rank (an exact combination of the other columns)."""
    left_out = 0
    for outcome, source, rows in groups(drivers):
        frame = model_frame(matrices[source], contacts, outcome)
        if len(frame) < MIN_CONTACTS:
            assert rows["sentence"].str.contains("not enough data").all()
            continue
        drivers_all = list(matrices[source].columns)
        estimated = sorted(rows.index[rows["adjusted_effect"].notna()])
        base = design(frame, drivers_all, estimated).to_numpy()
        for driver in rows.index[rows["adjusted_effect"].isna()]:
            applies = frame[driver].dropna()
            if applies.nunique() > 1:
                extended = np.column_stack([base, frame[driver].fillna(0.0).to_numpy()])
                assert np.linalg.matrix_rank(extended) == np.linalg.matrix_rank(base), driver
            assert rows.loc[driver, "is_within_noise"]
            assert pd.isna(rows.loc[driver, "driver_rank"])
            left_out += 1
    assert left_out < len(drivers) / 2


def test_bivariate_differences_match_welch_and_newcombe(drivers, matrices, contacts):
    """CSAT: Welch's interval (statsmodels' CompareMeans standard error and degrees of
    freedom, rounded down as the quantile seed holds whole ones: so the mart's interval holds
    statsmodels' own); the rate: statsmodels' Newcombe interval."""
    checked = 0
    for outcome, source, rows in groups(drivers):
        column = OUTCOMES[outcome]
        frame = model_frame(matrices[source], contacts, outcome)
        for driver, row in rows.iterrows():
            met = frame.loc[frame[driver] == 1, column].to_numpy()
            not_met = frame.loc[frame[driver] == 0, column].to_numpy()
            assert (row["contacts_met"], row["contacts_not_met"]) == (len(met), len(not_met))
            assert row["contacts"] == len(met) + len(not_met)
            if len(met):
                assert row["outcome_met"] == pytest.approx(met.mean(), abs=TOLERANCE)
            if len(not_met):
                assert row["outcome_not_met"] == pytest.approx(not_met.mean(), abs=TOLERANCE)
            if len(frame) < MIN_CONTACTS or not len(met) or not len(not_met):
                assert pd.isna(row["difference_lower"]), (outcome, source, driver)
                continue
            difference = met.mean() - not_met.mean()
            assert row["difference"] == pytest.approx(difference, abs=TOLERANCE)
            if outcome == "csat":
                if len(met) < 2 or len(not_met) < 2 or (met.std() == 0 and not_met.std() == 0):
                    assert pd.isna(row["difference_lower"])
                    continue
                compared = CompareMeans(DescrStatsW(met), DescrStatsW(not_met))
                _, _, freedom = compared.ttest_ind(usevar="unequal")
                whole = math.floor(freedom + 1e-9)
                quantile = (
                    stats.norm.ppf(1 - ALPHA / 2)
                    if whole > 1000
                    else stats.t.ppf(1 - ALPHA / 2, whole)
                )
                half = quantile * compared.std_meandiff_separatevar
                lower, upper = difference - half, difference + half
                exact = compared.tconfint_diff(alpha=ALPHA, usevar="unequal")
                assert row["difference_lower"] <= exact[0] + TOLERANCE
                assert row["difference_upper"] >= exact[1] - TOLERANCE
            else:
                lower, upper = confint_proportions_2indep(
                    met.sum(), len(met), not_met.sum(), len(not_met),
                    method="newcomb", compare="diff", alpha=ALPHA,
                )  # fmt: skip
            assert row["difference_lower"] == pytest.approx(lower, abs=TOLERANCE)
            assert row["difference_upper"] == pytest.approx(upper, abs=TOLERANCE)
            checked += 1
    assert checked >= 40


def test_rank_orders_absolute_adjusted_effects_and_noise_follows_the_interval(drivers):
    for outcome, source, rows in groups(drivers):
        estimated = rows[rows["adjusted_effect"].notna()]
        order = estimated.assign(size=estimated["adjusted_effect"].abs()).sort_values(
            ["size"], ascending=False, kind="stable"
        )
        assert list(order["driver_rank"]) == list(range(1, len(order) + 1)), (outcome, source)
        covers = (estimated["adjusted_lower"] <= 0) & (estimated["adjusted_upper"] >= 0)
        assert (estimated["is_within_noise"] == covers).all()


def test_sentences_say_the_direction_and_the_interval(drivers):
    for row in drivers[drivers["adjusted_effect"].notna()].itertuples():
        unit = "CSAT points" if row.outcome == "csat" else "percentage points"
        assert unit in row.sentence
        if row.outcome == "csat":
            direction = "higher" if row.adjusted_effect >= 0 else "lower"
            assert f"{abs(row.adjusted_effect):.2f} CSAT points {direction}" in row.sentence
            assert f"({row.adjusted_lower:.2f} to {row.adjusted_upper:.2f})" in row.sentence
        assert row.sentence.endswith("within noise.") == row.is_within_noise
    for row in drivers[drivers["adjusted_effect"].isna()].itertuples():
        assert "no adjusted estimate" in row.sentence.lower()


def test_questions_that_drive_csat_are_ranked_as_the_generator_set_them(drivers, truth):
    """Ground truth: professionalism 1.8, resolution_check 0.6, empathy 0.4, hold_permission
    0.3 CSAT points on a latent score (rounded and clipped to 1..5, so the estimates are
    smaller than the truth but keep its order); the other questions 0."""
    effects = truth["csat_drivers"]["question_effects"]
    questions = drivers[
        (drivers["outcome"] == "csat") & (drivers["source"] == "machine")
    ].set_index("driver_id")
    true_drivers = sorted((q for q in effects if effects[q] > 0), key=lambda q: -effects[q])
    assert true_drivers == ["professionalism", "resolution_check", "empathy", "hold_permission"]
    ranks = questions.loc[true_drivers, "driver_rank"]
    assert ranks.notna().all()
    assert list(ranks) == sorted(ranks), ranks.to_dict()
    assert set(questions.index[questions["driver_rank"] <= 4]) == set(true_drivers), questions[
        ["adjusted_effect", "adjusted_lower", "adjusted_upper", "driver_rank"]
    ]
    for question in (q for q in effects if effects[q] == 0):
        row = questions.loc[question]
        assert row["is_within_noise"] or abs(row["adjusted_effect"]) < 0.15, question
