"""Daily runs build incrementally, and `qm run --full-refresh` gives the same marts.

A generated centre is landed in two parts, as its systems would have exported it (late
evaluations and restatements included: benchmarks/split_landing.py). The first run builds in
full, the next only the contacts and evaluations its files touched (and, where they count, the
customers' repeat contacts and the contacts late surveys answer); then a full refresh of the
same build file must give every mart and every incremental model row for row. (Each run costs
about 100 s whatever the size, so two parts: the second run is what an incremental build does
every day.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from benchmarks.split_landing import split_landing
from tests.conftest import DBT_PROJECT, run_pipeline, run_qm
from tests.integration.test_determinism import assert_same_tables, tables_of

pytestmark = pytest.mark.slow
INCREMENTAL_MODELS = [
    "staging.stg_transcripts",
    "intermediate.int_transcript_turns",
    "intermediate.int_turn_sentiment",
    "intermediate.int_turn_phrase_hits",
    "intermediate.int_turn_cues",
    "intermediate.int_interaction_sentiment",
    "intermediate.int_auto_interaction_forms",
    "intermediate.int_auto_rule_hits",
    # these read the customer's other contacts too (repeat contacts)
    "intermediate.int_interaction_friction",
    "intermediate.int_interaction_measures",
    "intermediate.int_auto_answer_outcomes",
    "intermediate.int_auto_answers",
    "intermediate.int_auto_evaluations",
    # keyed by evaluation
    "intermediate.int_evaluations_combined",
    "intermediate.int_evaluation_answers_combined",
    "intermediate.int_answers_scored",
    "intermediate.int_sections_scored",
    "intermediate.int_evaluations_scored",
]


def builds(published) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as connection:
        return connection.execute(
            "select full_refresh, reason, built_through_load from qm_meta.model_builds"
            " order by built_through_load, built_at"
        ).fetchall()


def read_ids(folder, export: str, column: str = "interaction_id") -> set[str]:
    """The contacts (or other ids) the files of one export of a landing part name."""
    return {
        value
        for path in sorted((folder / export).glob("*"))
        for value in (
            pq.read_table(path, columns=[column]).column(0).to_pylist()
            if path.suffix == ".parquet"
            else pd.read_json(path, lines=True, dtype=str)[column].dropna()
            if path.suffix == ".jsonl"
            else pd.read_csv(path, dtype=str)[column]
        )
    }


def ids(connection, query: str) -> set[str]:
    return {row[0] for row in connection.execute(query).fetchall()}


def contacts_in(folder) -> set[str]:
    """The contacts a landing part's interaction and transcript files name."""
    return read_ids(folder, "interactions") | read_ids(folder, "transcripts")


def duplicate_turns_found(published: Path, workdir: Path, since_load: int) -> int:
    """The failures of int_transcript_turns' key test after one turn of a redone contact
    and one of a contact kept from before are doubled, with QM_CHANGED_SINCE_LOAD set."""
    workdir.mkdir()
    copy = workdir / "planted.duckdb"
    shutil.copyfile(published, copy)  # not its mode: a published file is read-only
    with duckdb.connect(str(copy)) as connection:
        redone = (
            "interaction_id in (select interaction_id from intermediate.int_changed_interactions)"
        )
        for which in (redone, f"not {redone}"):
            connection.execute(
                "insert into intermediate.int_transcript_turns"
                f" (select * from intermediate.int_transcript_turns where {which} limit 1)"
            )
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "test", "--select", "int_transcript_turns",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--profiles-dir", "."],
        cwd=DBT_PROJECT,
        env={**os.environ, "QM_BUILD_WAREHOUSE": str(copy), "QM_CHANGED_SINCE_LOAD": str(since_load)},
        capture_output=True,
        text=True,
    )  # fmt: skip
    failure = re.search(
        r"Failure in test unique_combination_int_transcr\S* .*\n.*Got (\d+) results?",
        completed.stdout,
    )
    assert failure, completed.stdout[-3000:]
    return int(failure.group(1))


def test_incremental_history_equals_a_full_refresh(tmp_path):
    generated = tmp_path / "generated"
    run_qm("generate", "--out", str(generated), "--agents", "6", "--days", "21", "--seed", "11")
    parts = split_landing(generated, ["2026-06-13"])
    first_contacts = contacts_in(parts[0])
    assert read_ids(parts[1], "evaluations") & first_contacts  # evaluations arrive late
    assert read_ids(parts[1], "interactions") & first_contacts  # and restatements
    landing, workdir = tmp_path / "landing", tmp_path / "work"

    runs, repeats = [], []
    for k, part in enumerate(parts):
        shutil.copytree(part, landing, dirs_exist_ok=True)
        runs.append(run_pipeline(landing, workdir))
        with duckdb.connect(str(runs[-1].published), read_only=True) as connection:
            changed = ids(connection, "select * from intermediate.int_changed_interactions")
            redone = ids(
                connection, "select * from intermediate.int_changed_interactions_and_repeats"
            )
            facts_redone = ids(
                connection, "select * from intermediate.int_changed_interaction_facts"
            )
            evaluations_redone = ids(
                connection, "select * from intermediate.int_changed_evaluations"
            )
            repeats.append(
                ids(
                    connection,
                    "select interaction_id from intermediate.int_interaction_friction"
                    " where has_repeat_within_7_days",
                )
            )
            turns = connection.execute(
                "select count(distinct interaction_id) from staging.stg_transcripts"
            ).fetchone()[0]
        # Each run's work is the contacts its own files touched, not every contact so far.
        assert changed == contacts_in(part), k
        # ... while the incremental models keep every contact so far.
        assert turns == len(set().union(*(read_ids(p, "transcripts") for p in parts[: k + 1])))
    # The second part's contacts made earlier contacts of their customers repeat contacts:
    # those are redone too, though no file of the second part names them.
    turned = repeats[1] - repeats[0] - changed
    assert turned and turned <= redone, turned - redone
    # ... and so are, in fct_interactions, the earlier contacts that late surveys answer.
    surveyed = (read_ids(parts[1], "csat_surveys") & first_contacts) - changed
    assert surveyed and surveyed <= facts_redone, surveyed - facts_redone
    # The evaluation models redo the evaluations that landed, of any contact.
    landed = read_ids(parts[1], "evaluations", "evaluation_id")
    assert landed <= evaluations_redone, landed - evaluations_redone
    history = builds(runs[-1].published)
    assert [(full, reason) for full, reason, _ in history] == [
        (True, "first build of this file"),
        (False, f"contacts of the loads after {history[0][2]}"),
    ]
    incremental = tables_of(runs[-1].published, ["marts", *INCREMENTAL_MODELS])
    # dbt's tests of the incremental models read the rows the build redid: a duplicate
    # planted in a redone contact fails the key test, one in a contact kept from before
    # is read only when every row is (a full build).
    since = history[0][2]
    assert duplicate_turns_found(runs[-1].published, tmp_path / "narrowed", since) == 1
    assert duplicate_turns_found(runs[-1].published, tmp_path / "every_row", -1) == 2

    refreshed = run_pipeline(landing, workdir, full_refresh=True)
    assert builds(refreshed.published)[-1][:2] == (True, "asked for")
    full = tables_of(refreshed.published, ["marts", *INCREMENTAL_MODELS])
    assert len(full) > 40 and all(len(frame) for name, frame in full.items() if "turn" in name)
    assert_same_tables(incremental, full)
