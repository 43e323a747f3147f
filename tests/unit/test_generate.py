"""The sample-data generator: deterministic, complete, and true to the contract."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from orchestration.contract import TABULAR_EXPORTS
from orchestration.generate import generate_landing
from tests.conftest import special_cause


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("landing")
    generate_landing(out, seed=3, agents=14, days=21)
    return out


def file_bytes(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(landing, tmp_path):
    generate_landing(tmp_path / "again", seed=3, agents=14, days=21)
    generate_landing(tmp_path / "other", seed=4, agents=14, days=21)
    assert file_bytes(tmp_path / "again") == file_bytes(landing)
    assert file_bytes(tmp_path / "other") != file_bytes(landing)


def test_every_export_is_written_with_the_contract_columns(landing):
    for export in TABULAR_EXPORTS.values():
        files = list((landing / export.name).iterdir())
        assert files, export.name
        for path in files:
            if path.suffix == ".csv":
                header = next(csv.reader(path.open()))
            elif path.suffix == ".jsonl":
                header = list(json.loads(path.open().readline()))
            else:
                header = list(pd.read_parquet(path).columns)
            assert header == list(export.column_names), path.name
    assert len(list((landing / "forms").glob("*.yml"))) == 2
    assert (landing / "quality_targets" / "quality_targets.yml").exists()


def test_one_agent_changes_team_with_two_effective_dated_rows(landing):
    truth = json.loads((landing / "ground_truth.json").read_text())
    change = truth["team_change"]
    roster = pd.read_csv(landing / "agents" / "agents_0001.csv", dtype=str)
    rows = roster[roster["agent_id"] == change["agent_id"]].sort_values("effective_from")
    assert rows["team_id"].tolist() == [change["from_team"], change["to_team"]]
    assert rows["effective_to"].iloc[0] == rows["effective_from"].iloc[1] == change["date"]


def test_about_three_percent_of_handled_contacts_are_evaluated(landing):
    contacts = pd.read_csv(landing / "interactions" / "interactions_0001.csv", dtype=str)
    headers = pd.read_csv(landing / "evaluations" / "evaluations_0001.csv", dtype=str)
    handled = (contacts["abandoned"] == "false").sum()
    standard = headers[(headers["evaluation_type"] == "standard") & (headers["revision"] == "1")]
    assert 0.02 < len(standard) / handled < 0.04


def test_injected_disclosure_lapse_shows_in_the_transcripts(landing):
    truth = json.loads((landing / "ground_truth.json").read_text())
    lapse = special_cause(truth, "stopped_recording_disclosure")
    contacts = pd.read_csv(landing / "interactions" / "interactions_0001.csv", dtype=str)
    turns = pd.read_parquet(landing / "transcripts" / "transcripts_0001.parquet")
    disclosed = set(turns[turns["text"].str.contains("may be recorded")]["interaction_id"])
    roster = pd.read_csv(landing / "agents" / "agents_0001.csv", dtype=str)
    team_agents = set(roster[roster["team_id"] == lapse["team_id"]]["agent_id"])
    voice = contacts[
        (contacts["channel"] == "voice")
        & (contacts["abandoned"] == "false")
        & contacts["agent_id"].isin(team_agents)
    ]
    day = voice["started_at"].str[:10]
    during = voice[(day >= lapse["from_date"]) & (day < lapse["to_date"])]
    before = voice[day < lapse["from_date"]]
    rate = lambda frame: frame["interaction_id"].isin(disclosed).mean()  # noqa: E731
    assert rate(during) < 0.35
    assert rate(before) > 0.85


def test_faults_manifest_names_rows_that_really_break_the_contract(tmp_path):
    generate_landing(tmp_path, seed=5, agents=14, days=14, faults=0.03)
    manifest = pd.read_csv(tmp_path / "faults_manifest.csv")
    contacts_file = "interactions/interactions_0001.csv"
    lines = (tmp_path / contacts_file).read_text().splitlines()
    listed = manifest[manifest["file"] == contacts_file]
    for row, reason in listed[["row", "reason"]].itertuples(index=False):
        fields = next(csv.reader([lines[row]]))
        if reason == "malformed_row":
            assert len(fields) < 21
        elif reason == "invalid_enum":
            assert fields[1] == "fax"
        elif reason == "bad_timestamp":
            assert fields[8].startswith("2026-13")
    unlisted = set(range(1, len(lines))) - set(listed["row"])
    channels = {next(csv.reader([lines[row]]))[1] for row in unlisted}
    assert channels <= {"voice", "chat", "email", "social"}
