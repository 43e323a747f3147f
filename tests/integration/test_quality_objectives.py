"""Plan versus check (mart_quality_objectives) on the generated sample, against references
computed here: the targets from the landing's YAML files and the registry's rules for which
targets are accepted, the actuals from the published facts with pandas, their intervals from
statsmodels (Wilson, Poisson score, Student t), the SPC state from the signals of the weekly
charts, and the generator's ground truth for the recording-disclosure lapse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson
from statsmodels.stats.weightstats import DescrStatsW

pytestmark = pytest.mark.slow

VARS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml").read_text()
)["vars"]
REGISTRY = {entry["metric"]: entry for entry in VARS["metrics"]}
ALPHA = 1 - VARS["scorecards"]["confidence"]
TOLERANCE = 1e-9
SEGMENT_COLUMNS = {"site": "site", "team": "team_id", "queue": "queue", "channel": "channel",
                   "agent": "agent_id"}  # fmt: skip


@pytest.fixture(scope="module")
def objectives(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_quality_objectives").df()


@pytest.fixture(scope="module")
def landing_targets(generated_landing) -> pd.DataFrame:
    """Every target of the landing's quality_targets YAML files that the registry accepts (a
    metric that takes targets, on a segment kind it is measured on)."""
    rows = [
        row
        for path in sorted((generated_landing / "quality_targets").glob("*.yml"))
        for row in yaml.safe_load(path.read_text())
    ]
    targets = pd.DataFrame(rows)
    targets["kind"] = targets["segment"].str.split(":").str[0]
    accepted = targets.apply(
        lambda row: (
            REGISTRY[row["metric"]]["target"] and row["kind"] in REGISTRY[row["metric"]]["segments"]
        ),
        axis=1,
    )
    assert (~accepted).sum() == 2, "conftest adds two targets the registry refuses"
    targets = targets[accepted].copy()
    targets["effective_from"] = pd.to_datetime(targets["effective_from"])
    return targets


def metric_observations(warehouse, metric: str) -> pd.DataFrame:
    """A metric's observations, from its source mart as the registry declares them."""
    entry = REGISTRY[metric]
    return warehouse.execute(
        f"""select cast({entry["at"]} as timestamp) as observed_at,
                   cast({entry.get("arrives") or entry["at"]} as timestamp) as arrived_at,
                   cast({entry["value"]} as double) as value,
                   site, team_id, queue, channel, agent_id
            from marts.{entry["model"]}
            where ({entry["where"]}) and {entry["at"]} is not null"""
    ).df()


@pytest.fixture(scope="module")
def data_range(warehouse) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day observed and the last day anything arrived, over every metric."""
    frames = [metric_observations(warehouse, metric) for metric in REGISTRY]
    first = min(frame["observed_at"].min() for frame in frames).normalize()
    last = max(frame["arrived_at"].max() for frame in frames).normalize()
    return first, last


def period_start(timestamps: pd.Series, grain: str) -> pd.Series:
    return timestamps.dt.to_period("W" if grain == "week" else "M").dt.start_time


def test_every_accepted_target_appears_for_every_complete_period_since_it_took_effect(
    objectives, landing_targets, data_range
):
    first, last = data_range
    complete = objectives[objectives["is_period_complete"]]
    for (metric, segment), targets in landing_targets.groupby(["metric", "segment"]):
        lag = pd.Timedelta(days=REGISTRY[metric]["complete_after_days"])
        took_effect = targets["effective_from"].min()
        for grain, frequency in (("week", "W-MON"), ("month", "MS")):
            starts = pd.date_range(first - pd.Timedelta(days=40), last, freq=frequency)
            ends = starts + (pd.Timedelta(days=6) if grain == "week" else pd.offsets.MonthEnd(0))
            expected = {
                start
                for start, end in zip(starts, ends, strict=True)
                if start >= first and end + lag <= last and end >= took_effect
            }
            rows = complete[
                (complete["metric"] == metric)
                & (complete["segment"] == segment)
                & (complete["grain"] == grain)
            ]
            assert set(pd.to_datetime(rows["period_start"])) == expected, (metric, segment, grain)
            assert expected, f"the sample should have a complete {grain} for {metric} {segment}"
            # the target in force: the latest effective_from on or before the period's end
            for row in rows.to_dict("records"):
                in_force = targets[targets["effective_from"] <= pd.Timestamp(row["period_end"])]
                latest = in_force[in_force["effective_from"] == in_force["effective_from"].max()]
                assert row["target"] in set(latest["target"]), (metric, segment, row)
                assert (
                    pd.Timestamp(row["target_effective_from"]) == latest["effective_from"].iloc[0]
                )


def test_actuals_and_intervals_match_pandas_and_statsmodels(warehouse, objectives):
    checked = 0
    for metric, rows in objectives.groupby("metric"):
        observations = metric_observations(warehouse, metric)
        chart = REGISTRY[metric]["chart"]
        for row in rows.to_dict("records"):
            kind, value = row["segment_kind"], row["segment_value"]
            values = observations
            if kind != "all":
                values = values[values[SEGMENT_COLUMNS[kind]] == value]
            in_period = period_start(values["observed_at"], row["grain"]) == pd.Timestamp(
                row["period_start"]
            )
            values = values.loc[in_period, "value"]
            assert row["units"] == len(values), (metric, row["segment"], row["period_start"])
            if len(values) == 0:
                assert pd.isna(row["actual"])
                continue
            assert row["actual"] == pytest.approx(values.mean(), rel=TOLERANCE)
            if len(values) < 2:
                assert pd.isna(row["actual_lower"]) and pd.isna(row["actual_upper"])
                assert row["status"] == "not enough data to say"
                continue
            if chart == "p":
                lower, upper = proportion_confint(values.sum(), len(values), ALPHA, "wilson")
            elif chart == "u":
                lower, upper = confint_poisson(
                    values.sum(), len(values), method="score", alpha=ALPHA
                )
                lower = max(lower, 0.0)
            elif len(values) - 1 > 1000:
                # t_quantile (macros/stats/intervals.sql) takes z beyond 1000 degrees of freedom
                lower, upper = DescrStatsW(values.to_numpy()).zconfint_mean(ALPHA)
            else:
                lower, upper = DescrStatsW(values.to_numpy()).tconfint_mean(ALPHA)
            assert row["actual_lower"] == pytest.approx(lower, rel=TOLERANCE, abs=TOLERANCE), row
            assert row["actual_upper"] == pytest.approx(upper, rel=TOLERANCE, abs=TOLERANCE)
            checked += 1
    assert checked > 50


def expected_status(direction: str, lower: float, upper: float, target: float) -> str:
    """The interval rule, written out: the target itself is on the good side. (Hand cases on
    the model itself: the dbt unit test in _quality_objectives.yml.)"""
    if pd.isna(lower) or pd.isna(upper):
        return "not enough data to say"
    good_side = (lambda x: x >= target) if direction == "higher" else (lambda x: x <= target)
    if good_side(lower) and good_side(upper):
        return "met"
    if not good_side(lower) and not good_side(upper):
        return "missed"
    return "not enough data to say"


def test_status_follows_the_interval_and_the_point_comparison_the_actual(objectives):
    for row in objectives.to_dict("records"):
        lower, upper = row["actual_lower"], row["actual_upper"]
        if row["units"] < 2:
            lower = upper = float("nan")
        assert row["status"] == expected_status(row["direction"], lower, upper, row["target"])
        if pd.isna(row["actual"]):
            assert pd.isna(row["is_point_on_target"])
        else:
            better = row["actual"] >= row["target"] if row["direction"] == "higher" else (
                row["actual"] <= row["target"])  # fmt: skip
            assert row["is_point_on_target"] == better
    statuses = set(objectives["status"])
    assert {"met", "missed", "not enough data to say"} <= statuses, statuses


def test_spc_state_reads_the_weekly_charts_signals_and_attention(warehouse, objectives):
    series = warehouse.execute(
        "select * from marts.mart_spc_series where grain = 'week' and metric_detail = ''"
    ).df()
    signals = warehouse.execute(
        "select * from marts.mart_spc_signals where grain = 'week' and chart not in ('s', 'r', 'mr')"
    ).df()
    by_key = series.set_index(["metric", "segment_kind", "segment_value"])
    for row in objectives.to_dict("records"):
        key = (row["metric"], row["segment_kind"], row["segment_value"])
        if key not in by_key.index:
            assert row["spc_state"] == "no chart" and pd.isna(row["series_id"])
            continue
        chart = by_key.loc[key]
        assert row["series_id"] == chart["series_id"]
        worse_is_up = REGISTRY[row["metric"]]["direction"] == "lower"
        start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
        fired = signals[
            (signals["series_id"] == chart["series_id"])
            & pd.to_datetime(signals["subgroup_start"]).between(start, end)
            & (signals["value"] != signals["center"])
        ]
        worse = ((fired["value"] > fired["center"]) == worse_is_up).any()
        better = ((fired["value"] > fired["center"]) != worse_is_up).any()
        if chart["is_on_attention_list"] and (
            pd.Timestamp(chart["shift_window_start"]) <= end
            and pd.Timestamp(chart["shift_window_end"]) >= start
        ):
            shift_up = chart["shift_window_value"] > chart["shift_baseline_value"]
            worse = worse or shift_up == worse_is_up
            better = better or shift_up != worse_is_up
        expected = "signalling" if worse else "improving" if better else "in control"
        assert row["spc_state"] == expected, row["sentence"]


def test_disclosure_lapse_misses_the_critical_fail_target_or_signals(objectives, recording_lapse):
    """The team that stops the recording disclosure fails every such call critically: the
    critical-fail-rate target of its team or of the whole centre is missed, or its weekly
    chart signals, in the week most of the lapse falls in."""
    start = pd.Timestamp(recording_lapse["from_date"])
    end = pd.Timestamp(recording_lapse["to_date"])
    lapse_days = pd.date_range(start, end)
    main_week = lapse_days.to_period("W").start_time.value_counts().idxmax()
    rows = objectives[
        (objectives["metric"] == "critical_fail_rate")
        & objectives["segment"].isin(["all", f"team:{recording_lapse['team_id']}"])
        & (objectives["grain"] == "week")
        & (pd.to_datetime(objectives["period_start"]) == main_week)
    ]
    assert len(rows), "a critical-fail-rate target on the centre or the lapsing team"
    assert ((rows["status"] == "missed") | (rows["spc_state"] == "signalling")).all(), rows[
        "sentence"
    ].tolist()
    # and the weeks before the lapse are not missed on the centre's target
    before = objectives[
        (objectives["metric"] == "critical_fail_rate")
        & (objectives["segment"] == "all")
        & (objectives["grain"] == "week")
        & (pd.to_datetime(objectives["period_end"]) < start)
    ]
    assert len(before) and (before["status"] != "missed").all(), before["sentence"].tolist()


def test_sentences_name_the_metric_segment_target_and_status(objectives):
    for row in objectives.to_dict("records"):
        sentence = row["sentence"]
        assert sentence.startswith(f"{row['metric_label']} for {row['segment_label']}, ")
        assert sentence.endswith("."), sentence
        assert f": {row['status']};" in sentence, sentence
