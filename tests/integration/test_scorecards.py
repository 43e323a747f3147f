"""The scorecard marts (mart_agent_scorecard, mart_team_scorecard, mart_scorecard_questions)
on the generated sample, row by row against references computed here from
fct_evaluations, fct_evaluation_answers and dim_agents: t-intervals from statsmodels'
DescrStatsW, Wilson intervals from proportion_confint, Welch's change from CompareMeans,
Newcombe's from confint_proportions_2indep, ranks and medians from pandas; the counts from the
generator's ground truth."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

pytestmark = pytest.mark.slow

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"
TOLERANCE = 1e-9
GROUP = ["period_grain", "period_start", "source"]
AGENT_KEY = ["agent_id", *GROUP]
TEAM_KEY = ["team_id", *GROUP]


@pytest.fixture(scope="module")
def alpha() -> float:
    """1 − the configured confidence level (the marts' intervals are at that level)."""
    return 1 - yaml.safe_load(DBT_PROJECT.read_text())["vars"]["scorecards"]["confidence"]


def quantile(alpha: float, degrees_of_freedom: float) -> float:
    """The two-sided quantile the interval macros use: Student t, and the normal beyond 1000
    degrees of freedom (the seed's documented convention, where the two differ by < 0.1 %)."""
    if degrees_of_freedom > 1000:
        return stats.norm.ppf(1 - alpha / 2)
    return stats.t.ppf(1 - alpha / 2, degrees_of_freedom)


def with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per row of `frame` and period grain: its ISO week (Monday) and its month."""
    at = frame["attributed_at"]
    monday = at.dt.normalize() - pd.to_timedelta(at.dt.weekday, unit="D")
    month = at.dt.to_period("M")
    weeks = frame.assign(
        period_grain="week",
        period_start=monday.dt.date,
        period_end=(monday + pd.Timedelta(days=6)).dt.date,
        previous_period_start=(monday - pd.Timedelta(days=7)).dt.date,
    )
    months = frame.assign(
        period_grain="month",
        period_start=month.dt.start_time.dt.date,
        period_end=month.dt.end_time.dt.date,
        previous_period_start=(month - 1).dt.start_time.dt.date,
    )
    return pd.concat([weeks, months], ignore_index=True)


@pytest.fixture(scope="module")
def evaluations(warehouse) -> pd.DataFrame:
    """People's (standard) and the machine's (auto) scored evaluations, once per grain."""
    frame = warehouse.execute(
        "select evaluation_id, evaluation_type, agent_id, team_id, attributed_at, score,"
        " is_critical_fail from marts.fct_evaluations where score is not null"
    ).df()
    frame = frame[frame["evaluation_type"].isin(["standard", "auto"])]
    frame = frame.assign(
        source=np.where(frame["evaluation_type"] == "standard", "human", "machine")
    )
    return with_periods(frame)


@pytest.fixture(scope="module")
def roster(warehouse) -> pd.DataFrame:
    roster = warehouse.execute(
        "select agent_id, team_id, valid_from, valid_to from marts.dim_agents"
    ).df()
    roster["valid_from"] = pd.to_datetime(roster["valid_from"]).dt.date
    roster["valid_to"] = pd.to_datetime(roster["valid_to"]).dt.date
    return roster


def mart(warehouse, name: str) -> pd.DataFrame:
    frame = warehouse.execute(f"select * from marts.{name}").df()
    for column in ("period_start", "period_end", "previous_period_start"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def describe(scores: pd.Series, critical: pd.Series, alpha: float) -> dict:
    """Mean, sd, t-interval (clipped to 0-100) and the Wilson interval of critical fails."""
    values = scores.to_numpy(dtype=float)
    n = len(values)
    lower = upper = sd = math.nan
    if n >= 2:
        sd = values.std(ddof=1)
        description = DescrStatsW(values)
        if n - 1 > 1000:
            lower, upper = description.zconfint_mean(alpha=alpha)
        else:
            lower, upper = description.tconfint_mean(alpha=alpha)
        lower, upper = max(lower, 0.0), min(upper, 100.0)
    fails = int(critical.sum())
    fail_lower, fail_upper = proportion_confint(fails, n, alpha=alpha, method="wilson")
    return {
        "evaluations_count": n,
        "mean_score": values.mean(),
        "score_sd": sd,
        "mean_score_lower": lower,
        "mean_score_upper": upper,
        "critical_fail_count": fails,
        "critical_fail_rate": fails / n,
        "critical_fail_rate_lower": fail_lower,
        "critical_fail_rate_upper": fail_upper,
        "scores": values,
    }


def summarise(evaluations: pd.DataFrame, key: list[str], alpha: float) -> pd.DataFrame:
    rows = [
        {
            **dict(zip(key, values, strict=True)),
            **describe(group["score"], group["is_critical_fail"], alpha),
        }
        for values, group in evaluations.groupby(key)
    ]
    return pd.DataFrame(rows)


def team_at_period_end(roster: pd.DataFrame, agent_id: str, end) -> str | None:
    """The roster row in force on the period's last day: the latest one begun by then."""
    rows = roster[(roster["agent_id"] == agent_id) & (roster["valid_from"] <= end)]
    return rows.sort_values("valid_from")["team_id"].iloc[-1] if len(rows) else None


def teams_during(roster: pd.DataFrame, agent_id: str, start, end) -> int:
    rows = roster[
        (roster["agent_id"] == agent_id)
        & (roster["valid_from"] <= end)
        & (roster["valid_to"].isna() | (roster["valid_to"] > start))
    ]
    return rows["team_id"].nunique()


def compare_and_rank(frame: pd.DataFrame, within: list[str]) -> pd.DataFrame:
    """Rank by mean (highest first, ties share the lowest rank), the median of the means of
    the group, and whether the interval excludes it (never with no interval or no width)."""
    groups = frame.groupby(within)["mean_score"]
    frame = frame.assign(
        rank=groups.transform(lambda means: means.round(9).rank(method="min", ascending=False)),
        members=groups.transform("size"),
        median=groups.transform("median"),
    )
    has_width = frame["score_sd"].fillna(0) > 0
    outside = (frame["mean_score_lower"] > frame["median"]) | (
        frame["mean_score_upper"] < frame["median"]
    )
    return frame.assign(distinguishable=has_width & outside)


def with_previous(frame: pd.DataFrame, key: list[str], alpha: float) -> pd.DataFrame:
    """The previous period's row of the same key, Welch's change interval (statsmodels'
    CompareMeans, the degrees of freedom rounded down as the seed holds whole ones) and
    Newcombe's interval of the critical-fail rate's change (statsmodels)."""
    previous = frame[[*key, "scores", "critical_fail_count", "evaluations_count"]].rename(
        columns={
            "period_start": "previous_period_start",
            "scores": "previous_scores",
            "critical_fail_count": "previous_critical_fail_count",
            "evaluations_count": "previous_evaluations_count",
        }
    )
    keys = [column if column != "period_start" else "previous_period_start" for column in key]
    merged = frame.merge(previous, on=keys, how="left")
    changes = []
    for row in merged.itertuples():
        change = {
            "change_std_error": math.nan,
            "change_freedom": math.nan,
            "change_lower": math.nan,
            "change_upper": math.nan,
            "exact_lower": math.nan,
            "exact_upper": math.nan,
            "rate_change_lower": math.nan,
            "rate_change_upper": math.nan,
        }
        if isinstance(row.previous_scores, np.ndarray):
            current, earlier = row.scores, row.previous_scores
            if len(current) >= 2 and len(earlier) >= 2 and (current.std() > 0 or earlier.std() > 0):
                compared = CompareMeans(DescrStatsW(current), DescrStatsW(earlier))
                _, _, freedom = compared.ttest_ind(usevar="unequal")
                error = compared.std_meandiff_separatevar
                half = quantile(alpha, math.floor(freedom + 1e-9)) * error
                difference = current.mean() - earlier.mean()
                exact = compared.tconfint_diff(alpha=alpha, usevar="unequal")
                change.update(
                    change_std_error=error,
                    change_freedom=freedom,
                    change_lower=difference - half,
                    change_upper=difference + half,
                    exact_lower=exact[0],
                    exact_upper=exact[1],
                )
            rate_lower, rate_upper = confint_proportions_2indep(
                row.critical_fail_count,
                row.evaluations_count,
                row.previous_critical_fail_count,
                row.previous_evaluations_count,
                method="newcomb",
                compare="diff",
                alpha=alpha,
            )
            change.update(rate_change_lower=rate_lower, rate_change_upper=rate_upper)
        changes.append(change)
    return pd.concat([merged, pd.DataFrame(changes, index=merged.index)], axis=1)


@pytest.fixture(scope="module")
def agent_reference(evaluations, roster, alpha) -> pd.DataFrame:
    frame = summarise(evaluations, [*AGENT_KEY, "period_end", "previous_period_start"], alpha)
    frame["team_id"] = [
        team_at_period_end(roster, agent, end)
        for agent, end in zip(frame["agent_id"], frame["period_end"], strict=True)
    ]
    frame["team_changed"] = [
        teams_during(roster, agent, start, end) > 1
        for agent, start, end in zip(
            frame["agent_id"], frame["period_start"], frame["period_end"], strict=True
        )
    ]
    frame = compare_and_rank(frame, ["team_id", *GROUP])
    return with_previous(frame, AGENT_KEY, alpha)


@pytest.fixture(scope="module")
def team_reference(evaluations, alpha) -> pd.DataFrame:
    frame = summarise(evaluations, [*TEAM_KEY, "period_end", "previous_period_start"], alpha)
    agents = evaluations.groupby(TEAM_KEY)["agent_id"].nunique().rename("agents").reset_index()
    frame = compare_and_rank(frame.merge(agents, on=TEAM_KEY), GROUP)
    return with_previous(frame, TEAM_KEY, alpha)


def joined(built: pd.DataFrame, reference: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The mart's rows beside the reference's: the same keys on both sides, no more, no less."""
    assert not built.duplicated(key).any()
    both = built.merge(reference, on=key, how="outer", indicator=True, suffixes=("", "_ref"))
    unmatched = both[both["_merge"] != "both"]
    assert unmatched.empty, unmatched[[*key, "_merge"]].head(10).to_string()
    return both


def assert_close(actual: pd.Series, expected: pd.Series, label: str) -> None:
    actual, expected = actual.to_numpy(dtype=float), expected.to_numpy(dtype=float)
    assert (np.isnan(actual) == np.isnan(expected)).all(), f"{label}: nulls differ"
    known = ~np.isnan(expected)
    worst = np.max(np.abs(actual[known] - expected[known]), initial=0.0)
    assert worst <= TOLERANCE, f"{label}: off by {worst}"


SUMMARY_COLUMNS = [
    "mean_score",
    "score_sd",
    "mean_score_lower",
    "mean_score_upper",
    "critical_fail_rate",
    "critical_fail_rate_lower",
    "critical_fail_rate_upper",
]


def test_human_and_machine_evaluations_are_counted_apart(warehouse, truth, generated_landing):
    """Every standard evaluation of the sample (the generator's count) is behind the human
    figures and every contact with a transcript (one machine evaluation each) behind the
    machine ones, once per grain, for agents and for teams."""
    machine_count = len(pd.read_parquet(generated_landing / "ground_truth_interactions.parquet"))
    expected = {"human": truth["standard_evaluations"], "machine": machine_count}
    for name in ("mart_agent_scorecard", "mart_team_scorecard"):
        counts = warehouse.execute(
            f"select period_grain, source, sum(evaluations_count) from marts.{name} group by all"
        ).fetchall()
        assert {(grain, source): total for grain, source, total in counts} == {
            (grain, source): expected[source]
            for grain in ("week", "month")
            for source in ("human", "machine")
        }, name


def test_agent_scorecard_means_and_intervals_match_statsmodels(warehouse, agent_reference):
    both = joined(mart(warehouse, "mart_agent_scorecard"), agent_reference, AGENT_KEY)
    assert (both["evaluations_count"] == both["evaluations_count_ref"]).all()
    assert (both["critical_fail_count"] == both["critical_fail_count_ref"]).all()
    for column in SUMMARY_COLUMNS:
        assert_close(both[column], both[f"{column}_ref"], column)
    assert both["period_end"].equals(both["period_end_ref"])
    assert both["previous_period_start"].equals(both["previous_period_start_ref"])
    # a mean of one evaluation has no interval
    single = both["evaluations_count"] == 1
    assert single.any() and both.loc[single, "mean_score_lower"].isna().all()


def test_agents_are_ranked_in_their_team_against_the_median_of_agent_means(
    warehouse, agent_reference
):
    both = joined(mart(warehouse, "mart_agent_scorecard"), agent_reference, AGENT_KEY)
    assert both["team_id"].equals(both["team_id_ref"])
    assert (both["is_team_changed_in_period"] == both["team_changed"]).all()
    assert (both["rank_in_team"] == both["rank"]).all()
    assert (both["team_agents_count"] == both["members"]).all()
    assert_close(both["team_median_score"], both["median"], "team_median_score")
    assert (both["is_distinguishable_from_team_median"] == both["distinguishable"]).all()
    # both outcomes occur in the sample, so the flag is not constant
    assert both["distinguishable"].any() and not both["distinguishable"].all()
    labels = np.select(
        [
            both["distinguishable"] & (both["mean_score"] > both["median"]),
            both["distinguishable"],
            both["mean_score_lower_ref"].isna() | (both["score_sd_ref"].fillna(0) == 0),
        ],
        ["above the team median", "below the team median", "too few evaluations to tell"],
        "not distinguishable from the team median",
    )
    assert (both["team_median_comparison"] == labels).all()


def test_agent_changes_match_welch_and_newcombe(warehouse, agent_reference):
    both = joined(mart(warehouse, "mart_agent_scorecard"), agent_reference, AGENT_KEY)
    previous = both["previous_scores"].map(
        lambda scores: scores.mean() if isinstance(scores, np.ndarray) else math.nan
    )
    assert_close(both["previous_mean_score"], previous, "previous_mean_score")
    assert_close(both["mean_score_change"], both["mean_score"] - previous, "mean_score_change")
    assert_close(both["mean_score_change_std_error"], both["change_std_error"], "std error")
    assert_close(both["mean_score_change_degrees_of_freedom"], both["change_freedom"], "Welch df")
    assert_close(both["mean_score_change_lower"], both["change_lower"], "change lower")
    assert_close(both["mean_score_change_upper"], both["change_upper"], "change upper")
    assert_close(both["critical_fail_rate_change_lower"], both["rate_change_lower"], "Newcombe")
    assert_close(both["critical_fail_rate_change_upper"], both["rate_change_upper"], "Newcombe")
    # rounding ν down only widens statsmodels' interval (fractional ν)
    known = both["exact_lower"].notna() & (both["change_freedom"] <= 1000)
    assert known.sum() > 50
    assert (
        both.loc[known, "mean_score_change_lower"] <= both.loc[known, "exact_lower"] + 1e-12
    ).all()
    assert (
        both.loc[known, "mean_score_change_upper"] >= both.loc[known, "exact_upper"] - 1e-12
    ).all()
    excludes_zero = (both["change_lower"] > 0) | (both["change_upper"] < 0)
    assert (both["is_mean_score_change_distinguishable"] == excludes_zero).all()


def test_team_scorecard_matches_the_references(warehouse, team_reference):
    both = joined(mart(warehouse, "mart_team_scorecard"), team_reference, TEAM_KEY)
    assert (both["evaluations_count"] == both["evaluations_count_ref"]).all()
    assert (both["agents_count"] == both["agents"]).all()
    for column in SUMMARY_COLUMNS:
        assert_close(both[column], both[f"{column}_ref"], column)
    assert (both["rank_in_centre"] == both["rank"]).all()
    assert (both["centre_teams_count"] == both["members"]).all()
    assert_close(both["centre_median_score"], both["median"], "centre_median_score")
    assert (both["is_distinguishable_from_centre_median"] == both["distinguishable"]).all()
    assert_close(both["mean_score_change_lower"], both["change_lower"], "change lower")
    assert_close(both["mean_score_change_upper"], both["change_upper"], "change upper")
    assert_close(both["critical_fail_rate_change_lower"], both["rate_change_lower"], "Newcombe")
    assert_close(both["critical_fail_rate_change_upper"], both["rate_change_upper"], "Newcombe")


def test_an_agent_who_moved_is_ranked_in_the_team_at_the_end_of_the_period(warehouse, truth):
    """The generator moves one agent between teams on a Monday: the weeks before and after
    are in one team each, the month of the move in the new team, flagged as a change."""
    move = truth["team_change"]
    moved_on = pd.Timestamp(move["date"]).date()
    rows = mart(warehouse, "mart_agent_scorecard")
    rows = rows[(rows["agent_id"] == move["agent_id"]) & (rows["source"] == "human")]
    for row in rows.itertuples():
        if row.period_grain == "week":
            assert row.team_id == (
                move["to_team"] if row.period_start >= moved_on else move["from_team"]
            )
            assert not row.is_team_changed_in_period
        elif row.period_start <= moved_on <= row.period_end:
            assert (row.team_id, row.is_team_changed_in_period) == (move["to_team"], True)


def test_question_pass_rates_match_wilson_for_agents_and_teams(warehouse, evaluations, alpha):
    answers = warehouse.execute(
        "select evaluation_id, form_id, question_id, is_na, is_failed"
        " from marts.fct_evaluation_answers"
    ).df()
    rows = evaluations.merge(answers, on="evaluation_id")
    rows = rows[~rows["is_na"]].assign(passed=~rows["is_failed"])
    references = []
    for kind, column in (("agent", "agent_id"), ("team", "team_id")):
        counted = (
            rows.groupby([column, *GROUP, "form_id", "question_id"])["passed"]
            .agg(["size", "sum"])
            .reset_index()
            .rename(columns={column: "segment_value", "size": "answered", "sum": "passes"})
        )
        references.append(counted.assign(segment_kind=kind))
    reference = pd.concat(references, ignore_index=True)
    lower, upper = proportion_confint(
        reference["passes"], reference["answered"], alpha=alpha, method="wilson"
    )
    reference = reference.assign(lower=lower, upper=upper)
    key = ["segment_kind", "segment_value", *GROUP, "form_id", "question_id"]
    both = joined(mart(warehouse, "mart_scorecard_questions"), reference, key)
    assert (both["answered_count"] == both["answered"]).all()
    assert (both["passed_count"] == both["passes"]).all()
    assert (both["failed_count"] == both["answered"] - both["passes"]).all()
    assert_close(both["pass_rate"], both["passes"] / both["answered"], "pass_rate")
    assert_close(both["pass_rate_lower"], both["lower"], "pass_rate_lower")
    assert_close(both["pass_rate_upper"], both["upper"], "pass_rate_upper")
    # an agent's question rows carry the team of the agent's scorecard row
    teams = warehouse.execute(
        "select count(*) from marts.mart_scorecard_questions as questions"
        " left join marts.mart_agent_scorecard as agents"
        " on questions.agent_id = agents.agent_id and questions.period_grain = agents.period_grain"
        " and questions.period_start = agents.period_start and questions.source = agents.source"
        " where questions.segment_kind = 'agent' and questions.team_id is distinct from agents.team_id"
    ).fetchall()
    assert teams == [(0,)]
