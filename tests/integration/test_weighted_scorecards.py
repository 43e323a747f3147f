"""The scorecards' inverse-probability-weighted means over the evaluations of contacts the
evaluation queue selected, recomputed in pandas from fct_evaluations and the queue's
sampling weights (Hájek mean, with-replacement standard error, scipy's t quantile)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

pytestmark = pytest.mark.slow


def hajek(rows: pd.DataFrame) -> pd.Series:
    weights, scores, n = rows["sampling_weight"], rows["score"], len(rows)
    mean = (weights * scores).sum() / weights.sum()
    half_width = np.nan
    if n >= 2:
        error = np.sqrt(n / (n - 1) * ((weights * (scores - mean)) ** 2).sum()) / weights.sum()
        half_width = stats.t.ppf(0.975, n - 1) * error
    return pd.Series(
        {
            "queue_evaluations_count": n,
            "queue_weighted_mean_score": mean,
            "queue_weighted_mean_score_lower": np.nan if n < 2 else max(mean - half_width, 0),
            "queue_weighted_mean_score_upper": np.nan if n < 2 else min(mean + half_width, 100),
        }
    )


@pytest.fixture(scope="module")
def weighted_evaluations(warehouse) -> pd.DataFrame:
    return warehouse.execute(
        "select evaluations.agent_id, evaluations.team_id, evaluations.week_start,"
        " evaluations.score, queue.sampling_weight"
        " from marts.fct_evaluations as evaluations"
        " inner join marts.mart_evaluation_queue as queue"
        " on evaluations.interaction_id = queue.interaction_id and queue.is_selected"
        " where evaluations.evaluation_type = 'standard' and evaluations.score is not null"
    ).df()


@pytest.mark.parametrize(("mart", "key"), [("mart_agent_scorecard", "agent_id"),
                                           ("mart_team_scorecard", "team_id")])  # fmt: skip
def test_weekly_weighted_means_equal_the_hajek_estimate(warehouse, weighted_evaluations, mart, key):
    assert len(weighted_evaluations) > 0  # some evaluated contacts were in a queue's sample
    expected = (
        weighted_evaluations.groupby([key, "week_start"])
        .apply(hajek, include_groups=False)
        .reset_index()
        .rename(columns={"week_start": "period_start"})
    )
    got = warehouse.execute(
        f"select {key}, period_start, queue_evaluations_count, queue_weighted_mean_score,"
        " queue_weighted_mean_score_lower, queue_weighted_mean_score_upper"
        f" from marts.{mart} where period_grain = 'week' and source = 'human'"
        " and queue_evaluations_count > 0"
    ).df()
    merged = got.merge(expected, on=[key, "period_start"], suffixes=("", "_expected"))
    assert len(merged) == len(got) == len(expected)
    for column in ("queue_evaluations_count", "queue_weighted_mean_score",
                   "queue_weighted_mean_score_lower", "queue_weighted_mean_score_upper"):  # fmt: skip
        np.testing.assert_allclose(
            merged[column].astype(float), merged[f"{column}_expected"].astype(float),
            rtol=1e-9, atol=1e-9, err_msg=column,
        )  # fmt: skip


def test_machine_rows_carry_no_queue_weights(warehouse):
    [(count, means)] = warehouse.execute(
        "select sum(queue_evaluations_count), count(queue_weighted_mean_score)"
        " from marts.mart_agent_scorecard where source = 'machine'"
    ).fetchall()
    assert (count, means) == (0, 0)
