"""The attention list on generated truth: a quiet period lists (almost) nothing, special
causes in the recent window are found near the top, q-values are Benjamini-Hochberg's and a
p-value can be recomputed from the marts by hand."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from orchestration.generate.detection import detect, process_items
from tests.conftest import run_pipeline, run_qm

pytestmark = pytest.mark.slow
# Long enough for a week-grain baseline after the scorecard change (a quarter of the way).
SCENARIO_ARGS = ["--seed", "11", "--agents", "24", "--days", "84"]


def scenario_run(tmp_path_factory, causes: str):
    workdir = tmp_path_factory.mktemp(f"attention_{causes}")
    landing = workdir / "landing"
    run_qm("generate", "--out", str(landing), "--causes", causes, *SCENARIO_ARGS)
    run = run_pipeline(landing, workdir)
    truth = json.loads((landing / "ground_truth.json").read_text())
    return run, truth


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):
    return scenario_run(tmp_path_factory, "none")


@pytest.fixture(scope="module")
def recent(tmp_path_factory):
    return scenario_run(tmp_path_factory, "recent")


def connect(run) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(run.published), read_only=True)


def test_a_quiet_period_lists_at_most_two_process_level_items(quiet):
    run, truth = quiet
    assert truth["special_causes"] == []
    with connect(run) as connection:
        [(listed,)] = connection.execute(
            "select count(*) from marts.mart_spc_attention where level = 'process'"
        ).fetchall()
        [(tested, summarised)] = connection.execute(
            "select tested_count, listed_count from marts.mart_spc_attention_summary"
            " where level = 'process'"
        ).fetchall()
        [(series_tested,)] = connection.execute(
            "select count(*) from marts.mart_spc_series"
            " where shift_test_status = 'tested' and segment_kind <> 'agent'"
        ).fetchall()
    assert tested == series_tested > 300  # the list is short though hundreds were tested
    assert listed == summarised <= 2


def test_each_recent_cause_is_found_in_the_top_five(recent):
    # `--causes recent` ends the data three complete days into each cause (one complete
    # week for the slow handle-time drift).
    run, truth = recent
    with connect(run) as connection:
        detection = detect(connection, truth, top=5)
        items = process_items(connection)
    assert detection.causes == 3
    assert detection.found == 3, items.to_string()


def test_items_name_their_size_reach_and_window(recent):
    run, truth = recent
    spike = next(c for c in truth["special_causes"] if c["kind"] == "abandonment_spike")
    with connect(run) as connection:
        row = connection.execute(
            "select sentence, window_start, baseline_value, window_value, events_per_week"
            " from marts.mart_spc_attention where series_id = ?",
            [f"abandonment_rate|day|queue|{spike['queue']}"],
        ).fetchone()
    sentence, window_start, before, during, extra = row
    assert str(window_start) >= spike["from_date"]
    assert before < 0.1 < 0.2 < during  # ground truth: 30 % abandoned during the spike
    assert (
        f"for queue {spike['queue']}" in sentence and "more abandoned contacts a week" in sentence
    )
    assert f"≈ {extra:,.0f} more" in sentence


def test_a_wider_series_is_folded_under_the_narrower_one_that_carries_it(recent):
    run, truth = recent
    with connect(run) as connection:
        folded = connection.execute(
            "select item.series_id, under.series_id from marts.mart_spc_attention as item"
            " join marts.mart_spc_attention as under"
            " on item.folded_under_series_id = under.series_id"
        ).fetchall()
    assert folded
    spike = next(c for c in truth["special_causes"] if c["kind"] == "abandonment_spike")
    by_item = dict(folded)
    assert all(under not in by_item for under in by_item.values())  # never two levels deep
    centre = "abandonment_rate|day|all|all"
    if centre in by_item:
        assert by_item[centre] == f"abandonment_rate|day|queue|{spike['queue']}"


def test_q_values_are_benjamini_hochberg_within_each_level(recent):
    run, _ = recent
    with connect(run) as connection:
        tests = connection.execute(
            "select level, series_p_value, q_value from intermediate.int_spc_series_shifts"
        ).df()
    for level in ("process", "agent"):
        rows = tests[tests["level"] == level]
        _, expected, _, _ = multipletests(rows["series_p_value"], method="fdr_bh")
        assert rows["q_value"].to_numpy() == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_a_listed_proportion_p_value_recomputed_from_the_chart_points(recent):
    run, _ = recent
    with connect(run) as connection:
        item = connection.execute(
            "select series_id, window_start, window_end, window_p_value, windows_tested,"
            " p_value from marts.mart_spc_attention"
            " where chart_type = 'p' order by rank nulls last limit 1"
        ).df()
        [series_id, start, end, window_p, windows, series_p] = item.iloc[0].tolist()
        points = connection.execute(
            "select subgroup_start, n, value, in_baseline from marts.mart_spc_points"
            " where series_id = ? and chart = 'p'"
            " and stage = (select max(stage) from marts.mart_spc_points where series_id = ?)",
            [series_id, series_id],
        ).df()
    counts = (points["value"] * points["n"]).round()
    inside = (points["subgroup_start"] >= start) & (points["subgroup_start"] <= end)
    baseline = points["in_baseline"]
    table = [
        [counts[inside].sum(), (points["n"] - counts)[inside].sum()],
        [counts[baseline].sum(), (points["n"] - counts)[baseline].sum()],
    ]
    rate_inside = table[0][0] / sum(table[0])
    alternative = "greater" if rate_inside > table[1][0] / sum(table[1]) else "less"
    _, one_sided = stats.fisher_exact(np.array(table, dtype=int), alternative=alternative)
    assert window_p == pytest.approx(min(1.0, 2 * one_sided), rel=1e-6)
    assert series_p == pytest.approx(min(1.0, window_p * windows), rel=1e-12)
