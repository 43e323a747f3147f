"""Generated exports through the real pipeline, checked against the generator's ground truth."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration.contract import QUARANTINE_REASONS
from tests.conftest import run_qm, special_cause

pytestmark = pytest.mark.slow


def test_every_landed_row_is_loaded(warehouse, truth):
    ledger = dict(
        warehouse.execute("select source_file, rows_loaded from raw.file_ledger").fetchall()
    )
    for name, rows in truth["row_counts"].items():
        assert ledger[name] == rows, name


def test_interactions_are_stored_in_date_order(warehouse):
    """The Interactions page asks fct_interactions for a range of days: stored in date
    order, DuckDB reads only the row groups of those days (README, "Ten million")."""
    (earlier_than_the_row_before,) = warehouse.execute(
        "select count(*) filter (where interaction_date < previous) from ("
        " select interaction_date, lag(interaction_date) over (order by rowid) as previous"
        " from marts.fct_interactions)"
    ).fetchone()
    assert earlier_than_the_row_before == 0


def test_restated_interactions_take_the_later_disposition(warehouse, truth):
    restated = truth["restated_interactions"]
    assert restated
    found = dict(
        warehouse.execute(
            "select interaction_id, is_resolved from marts.fct_interactions"
            " where interaction_id in (select unnest(?))",
            [list(restated)],
        ).fetchall()
    )
    assert found == {key: value["resolved"] for key, value in restated.items()}


def test_contacts_are_attributed_to_the_team_of_that_day(warehouse, truth):
    change = truth["team_change"]
    teams = warehouse.execute(
        "select interaction_date < cast(? as date) as before_change, list(distinct team_id)"
        " from marts.fct_interactions where agent_id = ? group by 1",
        [change["date"], change["agent_id"]],
    ).fetchall()
    assert dict(teams) == {True: [change["from_team"]], False: [change["to_team"]]}


def test_disputed_evaluations_count_at_their_second_revision(warehouse, truth):
    disputed = truth["disputed_evaluation_ids"]
    revisions = warehouse.execute(
        "select distinct revision from marts.fct_evaluations where evaluation_id in"
        " (select unnest(?))",
        [disputed],
    ).fetchall()
    assert revisions == [(2,)]


def test_standard_calibration_and_machine_evaluations_are_kept_apart(
    warehouse, truth, generated_landing
):
    counts = dict(
        warehouse.execute(
            "select evaluation_type, count(*) from marts.fct_evaluations group by 1"
        ).fetchall()
    )
    handled = pq.read_metadata(generated_landing / truth["interaction_truth"]).num_rows
    assert counts == {
        "standard": truth["standard_evaluations"],
        "calibration": truth["calibration_evaluations"],
        "auto": handled,  # one machine evaluation per handled contact (all have transcripts)
    }
    assert not warehouse.execute(
        "select count(*) from marts.fct_evaluations where evaluation_type <> 'standard'"
        " and is_agent_scored"
    ).fetchone()[0]


def test_stopped_disclosure_raises_the_team_critical_fail_rate(warehouse, recording_lapse):
    rates = dict(
        warehouse.execute(
            "select case when evaluation_date < cast(? as date) then 'before'"
            " when evaluation_date < cast(? as date) then 'during' else 'after' end,"
            " avg(is_critical_fail::int) from marts.fct_evaluations"
            " where is_agent_scored and team_id = ? and channel = 'voice' group by 1",
            [recording_lapse["from_date"], recording_lapse["to_date"], recording_lapse["team_id"]],
        ).fetchall()
    )
    # 80 % of voice calls miss the disclosure while the cause lasts, a few % otherwise.
    assert rates["during"] > 0.5
    assert rates["before"] < 0.2


def test_abandonment_spike_is_visible_in_its_queue(warehouse, truth):
    spike = special_cause(truth, "abandonment_spike")
    rates = dict(
        warehouse.execute(
            "select interaction_date >= cast(? as date) and interaction_date < cast(? as date),"
            " avg(is_abandoned::int) from marts.fct_interactions"
            " where queue = ? and channel <> 'email' group by 1",
            [spike["from_date"], spike["to_date"], spike["queue"]],
        ).fetchall()
    )
    assert rates[True] > 0.2
    assert rates[False] < 0.08


def test_weekly_mart_reflects_every_standard_evaluation(warehouse, truth):
    total = warehouse.execute(
        "select sum(units) from marts.mart_quality_weekly where metric = 'critical_fail_rate'"
        " and site = 'All' and team_id = 'All' and channel = 'All'"
    ).fetchall()[0][0]
    assert total == truth["standard_evaluations"]


def test_quarantine_matches_the_faults_manifest_exactly(faulty_run):
    manifest = pd.read_csv(faulty_run.landing / "faults_manifest.csv")
    with duckdb.connect(str(faulty_run.build), read_only=True) as connection:
        quarantined = connection.execute(
            "select source_file, source_row, reason from raw.quarantine"
        ).fetchall()
        ledger = connection.execute(
            "select source_file, rows_in, rows_loaded, rows_quarantined from raw.file_ledger"
        ).fetchall()
    expected = set(manifest[["file", "row", "reason"]].itertuples(index=False, name=None))
    assert set(quarantined) == expected
    assert len(quarantined) == len(expected)
    # Every kind of row-level violation is exercised (file-level ones, and those of quality
    # targets against the metric registry, have their own tests).
    assert set(manifest["reason"]) == set(QUARANTINE_REASONS) - {
        "bad_date",
        "invalid_file",
        "unknown_metric",
        "unknown_segment",
        "invalid_auto_rule",
    }
    truth = json.loads((faulty_run.landing / "ground_truth.json").read_text())
    for source_file, rows_in, loaded, quarantined_rows in ledger:
        assert rows_in == loaded + quarantined_rows
        if source_file in truth["row_counts"]:
            assert rows_in == truth["row_counts"][source_file]


def test_qm_run_without_landing_folder_says_what_to_do(tmp_path):
    completed = run_qm(
        "run", "--landing", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.duckdb"),
        check=False,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "qm generate" in completed.stderr


def test_validation_results_are_stored_in_the_warehouse_and_as_data_docs(warehouse, generated_run):
    from orchestration import settings
    from orchestration.validation import data_docs_index

    stored = dict(
        warehouse.execute(
            "select suite_name, bool_and(is_success) from qm_meta.validation_results group by 1"
        ).fetchall()
    )
    suites = {path.stem for path in settings.EXPECTATIONS_DIR.glob("*.json")}
    assert set(stored) == suites
    assert all(stored.values())
    index = data_docs_index(generated_run.published.parents[1] / "validation")
    assert index.exists()
    assert "mart_fct_evaluations" in "".join(path.name for path in index.parent.rglob("*.html"))
