"""`qm queue` on a hand-made warehouse: which week it writes, formula-safe CSV, and the
messages when the warehouse, the mart or the week is missing."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from orchestration.cli import main
from orchestration.evaluation_queue import parse_period

QUEUE_TABLE = """
create schema marts;
create table marts.mart_evaluation_queue as
select * from (values
    (date '2026-07-06', date '2026-06-29', 'A1', 'T1', 'I1', 'voice', date '2026-06-30',
     'escalation', 0.5, true, 1),
    (date '2026-07-06', date '2026-06-29', 'A1', 'T1', 'I2', 'chat', date '2026-06-29',
     null, 0.25, false, 2),
    (date '2026-07-13', date '2026-07-06', 'A1', 'T1', 'I3', 'voice', date '2026-07-07',
     null, 0.25, true, 1),
    (date '2026-07-13', date '2026-07-06', '=HYPERLINK("http://x")', 'T1', 'I4', 'chat',
     date '2026-07-08', 'machine_critical_fail; low_agreement', 1.0, true, 1),
    (date '2026-07-13', date '2026-07-06', 'A2', 'T1', 'I5', 'chat', date '2026-07-08',
     null, 0.4, false, 2)
) as rows(queue_week_start, week_start, agent_id, team_id, interaction_id, channel,
          interaction_date, raised_by, inclusion_probability, is_selected, frame_order)
"""


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    path = tmp_path / "qm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(QUEUE_TABLE)
        connection.execute(
            "alter table marts.mart_evaluation_queue add column sampling_weight double;"
            " update marts.mart_evaluation_queue set sampling_weight = 1 / inclusion_probability"
            " where is_selected"
        )
    # `qm` pins the warehouse in the environment: undo it after each test
    monkeypatch.setenv("QM_WAREHOUSE", str(path))
    monkeypatch.delenv("QM_BUILD_WAREHOUSE", raising=False)
    return path


def run_queue(warehouse, out, *period: str) -> int:
    return main(["queue", "--warehouse", str(warehouse), "--out", str(out), *period])


def test_next_writes_the_selected_contacts_of_the_latest_queue_week(warehouse, tmp_path, capsys):
    out = tmp_path / "queue.csv"
    assert run_queue(warehouse, out) == 0
    rows = pd.read_csv(out, keep_default_na=False)
    assert list(rows["interaction_id"]) == ["I4", "I3"]  # selected only, ordered by agent
    assert set(rows["queue_week"]) == {"2026-W29"} and set(rows["contacts_week"]) == {"2026-W28"}
    assert list(rows["sampling_weight"]) == [1.0, 4.0]
    assert "Wrote 2 contacts to evaluate in 2026-W29 (2 agents; contacts of 2026-W28)" in (
        capsys.readouterr().out
    )


def test_text_a_spreadsheet_would_run_is_written_as_text(warehouse, tmp_path):
    out = tmp_path / "queue.csv"
    assert run_queue(warehouse, out) == 0
    rows = pd.read_csv(out, keep_default_na=False)
    assert rows.loc[rows["interaction_id"] == "I4", "agent_id"].item() == (
        '\'=HYPERLINK("http://x")'
    )


def test_an_iso_week_picks_that_queue_week(warehouse, tmp_path):
    out = tmp_path / "queue.csv"
    assert run_queue(warehouse, out, "--period", "2026-W28") == 0
    rows = pd.read_csv(out, keep_default_na=False)
    assert list(rows["interaction_id"]) == ["I1"]
    assert list(rows["flags"]) == ["escalation"]


def test_an_unknown_week_names_the_weeks_held(warehouse, tmp_path, capsys):
    assert run_queue(warehouse, tmp_path / "q.csv", "--period", "2026-W14") == 2
    error = capsys.readouterr().err
    assert "no evaluation queue for 2026-W14" in error
    assert "2026-W28 to 2026-W29" in error
    assert not (tmp_path / "q.csv").exists()


def test_a_missing_warehouse_says_how_to_build_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QM_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["queue", "--out", str(tmp_path / "q.csv")]) == 2
    error = capsys.readouterr().err
    assert "no warehouse at" in error and "qm run" in error


def test_a_warehouse_without_the_mart_or_without_a_complete_week_says_so(
    tmp_path, capsys, monkeypatch
):
    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).close()
    monkeypatch.setenv("QM_WAREHOUSE", str(old))
    assert main(["queue", "--out", str(tmp_path / "q.csv")]) == 2
    assert "has no marts.mart_evaluation_queue" in capsys.readouterr().err

    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as connection:
        connection.execute(QUEUE_TABLE)
        connection.execute("delete from marts.mart_evaluation_queue")
    monkeypatch.setenv("QM_WAREHOUSE", str(empty))
    assert main(["queue", "--out", str(tmp_path / "q.csv")]) == 2
    assert "no complete week of contacts" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["2026-14", "W14", "2026-W54", "last", "2026-W1"])
def test_a_period_that_is_neither_next_nor_an_iso_week_is_refused(text, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["queue", "--out", "q.csv", "--period", text])
    assert exit_info.value.code == 2
    assert "expected `next` or an ISO week such as 2026-W14" in capsys.readouterr().err


def test_iso_weeks_parse_to_their_monday():
    assert parse_period("next") is None
    assert parse_period("2026-W14") == dt.date(2026, 3, 30)
    assert parse_period("2026-W53") == dt.date(2026, 12, 28)  # 2026 has 53 ISO weeks
