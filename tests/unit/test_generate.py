"""The sample-data generator: deterministic, complete, and true to the contract."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pandas as pd
import pytest

from orchestration.contract import TABULAR_EXPORTS
from orchestration.generate import generate_landing
from tests.conftest import special_cause

START = dt.date(2026, 6, 1)  # generate_landing's default start, a Monday
RECENT_START = dt.date(2026, 6, 3)  # a Wednesday: the recent data ends on a Saturday
RECENT_DAYS = 60


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("landing")
    generate_landing(out, seed=3, agents=14, days=21)
    return out


@pytest.fixture(scope="module")
def recent_landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("recent")
    generate_landing(out, seed=3, agents=14, days=RECENT_DAYS, start=RECENT_START, causes="recent")
    return out


def read(folder, name: str) -> pd.DataFrame:
    """A written export file as text, the way the ingest first sees it."""
    path = folder / name
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(path, dtype=str)


def truth_of(folder) -> dict:
    return json.loads((folder / "ground_truth.json").read_text())


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


def test_a_one_agent_one_day_centre_writes_every_export_with_nothing_yet_to_evaluate(tmp_path):
    counts = generate_landing(tmp_path, seed=7, agents=1, days=1)
    # 16 contacts: none drawn for evaluation (3 %), survey or restatement, no coaching yet
    assert counts["interactions/interactions_0001.csv"] == 16
    empty = ["evaluations", "evaluation_answers", "coaching_sessions"]
    for export in empty:
        path = tmp_path / export / f"{export}_0001.csv"
        assert counts[f"{export}/{export}_0001.csv"] == 0
        assert path.read_text().splitlines() == [",".join(TABULAR_EXPORTS[export].column_names)]
    assert counts["csat_surveys/csat_surveys_0001.jsonl"] == 0
    assert (tmp_path / "csat_surveys" / "csat_surveys_0001.jsonl").read_text() == ""
    truth = json.loads((tmp_path / "ground_truth.json").read_text())
    assert truth["standard_evaluations"] == 0 and truth["row_counts"] == counts


def test_one_agent_changes_team_with_two_effective_dated_rows(landing):
    truth = json.loads((landing / "ground_truth.json").read_text())
    change = truth["team_change"]
    roster = pd.read_csv(landing / "agents" / "agents_0001.csv", dtype=str)
    rows = roster[roster["agent_id"] == change["agent_id"]].sort_values("effective_from")
    assert rows["team_id"].tolist() == [change["from_team"], change["to_team"]]
    assert rows["effective_to"].iloc[0] == rows["effective_from"].iloc[1] == change["date"]


def evaluated_share_by_day(folder) -> pd.Series:
    """Share of each contact day's handled contacts with an exported standard evaluation."""
    contacts = read(folder, "interactions/interactions_0001.csv")
    headers = read(folder, "evaluations/evaluations_0001.csv")
    standard = headers[(headers["evaluation_type"] == "standard") & (headers["revision"] == "1")]
    handled = contacts[contacts["abandoned"] == "false"]
    evaluated = handled["interaction_id"].isin(standard["interaction_id"])
    return evaluated.groupby(pd.to_datetime(handled["started_at"].str[:10]).dt.date).mean()


def test_about_three_percent_of_handled_contacts_are_evaluated(landing):
    # Only days whose evaluations are all in: submitted at most 5 days after the contact.
    share = evaluated_share_by_day(landing)
    cutoff = START + dt.timedelta(days=21)
    complete = share[share.index <= cutoff - dt.timedelta(days=6)]
    assert 0.02 < complete.mean() < 0.04


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


def test_no_exported_row_arrives_at_or_after_the_export_cutoff(landing):
    # 21 days from Monday 2026-06-01: the export is taken at midnight after Sunday 06-21.
    cutoff = pd.Timestamp("2026-06-22T00:00:00Z")
    assert pd.Timestamp(truth_of(landing)["export_cutoff"]) == cutoff
    arrivals = {
        "evaluations/evaluations_0001.csv": ["submitted_at", "started_at"],
        "csat_surveys/csat_surveys_0001.jsonl": ["responded_at"],
        "coaching_sessions/coaching_sessions_0001.csv": ["held_at", "acknowledged_at"],
    }
    for name, columns in arrivals.items():
        frame = read(landing, name)
        assert len(frame), name
        for column in columns:
            times = pd.to_datetime(frame[column], utc=True)
            assert (times.dropna() < cutoff).all(), f"{name}: {column}"


def test_the_last_days_have_fewer_evaluations_because_later_ones_are_not_in_the_export(
    recent_landing,
):
    share = evaluated_share_by_day(recent_landing)
    last_day = RECENT_START + dt.timedelta(days=RECENT_DAYS - 1)
    # Evaluations come 1 hour to 5 days after the contact: the last two days' contacts have
    # had at most about 2 of those 5 days, complete days (6 or more before the cut-off) all.
    last_two = share[share.index >= last_day - dt.timedelta(days=1)]
    complete = share[share.index <= last_day - dt.timedelta(days=5)]
    assert last_two.mean() < 0.5 * complete.mean()


def test_every_exported_answer_and_coaching_session_refers_to_an_exported_evaluation(landing):
    headers = read(landing, "evaluations/evaluations_0001.csv")
    answers = read(landing, "evaluation_answers/evaluation_answers_0001.csv")
    exported = set(zip(headers["evaluation_id"], headers["revision"], strict=True))
    answered = set(zip(answers["evaluation_id"], answers["revision"], strict=True))
    assert answered == exported  # no orphan answers, and no evaluation without its answers
    coaching = read(landing, "coaching_sessions/coaching_sessions_0001.csv")
    submitted = headers.groupby("evaluation_id")["submitted_at"].min()
    references = [
        (session.held_at, evaluation_id)
        for session in coaching.dropna(subset=["evaluation_ids"]).itertuples()
        for evaluation_id in session.evaluation_ids.split(";")
    ]
    assert references
    for held_at, evaluation_id in references:
        assert evaluation_id in submitted.index
        assert submitted[evaluation_id] < held_at  # a coach can only discuss what was scored


def test_ground_truth_counts_describe_the_written_rows(recent_landing):
    truth = truth_of(recent_landing)
    headers = read(recent_landing, "evaluations/evaluations_0001.csv")
    standard = headers[headers["evaluation_type"] == "standard"]
    calibration = headers[headers["evaluation_type"] == "calibration"]
    assert truth["standard_evaluations"] == standard["evaluation_id"].nunique()
    assert truth["calibration_evaluations"] == len(calibration)
    assert set(truth["calibration_interaction_ids"]) == set(calibration["interaction_id"])
    disputed = standard.loc[standard["revision"] == "2", "evaluation_id"]
    assert sorted(truth["disputed_evaluation_ids"]) == sorted(disputed)
    for name, rows in truth["row_counts"].items():
        assert len(read(recent_landing, name)) == rows, name


def test_calibration_sessions_are_whole_and_held_every_week(landing):
    """Every exported calibration contact is scored once by every evaluator, all submitted
    together (a session), and each week whose evaluations are all in has the planned count."""
    truth = truth_of(landing)
    headers = read(landing, "evaluations/evaluations_0001.csv")
    calibration = headers[headers["evaluation_type"] == "calibration"]
    sessions = calibration.groupby("interaction_id")
    evaluators = sorted(truth["evaluator_leniency"])
    assert all(sorted(names) == evaluators for names in sessions["evaluator_id"].apply(list))
    assert sessions["submitted_at"].nunique().eq(1).all()

    contacts = read(landing, "interactions/interactions_0001.csv").set_index("interaction_id")
    started = pd.to_datetime(contacts.loc[list(sessions.groups), "started_at"]).dt.date
    weeks = started.map(lambda day: (day - START).days // 7).value_counts()
    # 21 days: the evaluations of weeks 0 and 1 are submitted by day 18, before the cut-off
    assert weeks[0] == weeks[1] == truth["calibration_contacts_per_week"] >= 3
    assert weeks.max() == truth["calibration_contacts_per_week"]


def test_quiet_scenario_has_no_special_cause_and_no_refresher_training(tmp_path):
    generate_landing(tmp_path, seed=3, agents=14, days=21, causes="none")
    assert truth_of(tmp_path)["special_causes"] == []
    changes = read(tmp_path, "process_changes/process_changes_0001.csv")
    assert changes["change_id"].tolist() == ["PC001"]


def test_contacts_before_the_first_cause_do_not_depend_on_the_scenario(landing, tmp_path):
    generate_landing(tmp_path, seed=3, agents=14, days=21, causes="none")
    first_cause = min(cause["from_date"] for cause in truth_of(landing)["special_causes"])
    before = [
        contacts[contacts["started_at"].str[:10] < first_cause].reset_index(drop=True)
        for contacts in (
            read(folder, "interactions/interactions_0001.csv") for folder in (landing, tmp_path)
        )
    ]
    assert len(before[0]) > 0
    pd.testing.assert_frame_equal(before[0], before[1])


def test_default_scenario_keeps_the_demo_dates(landing):
    # 21 days from 2026-06-01: disclosure days 14 to max(14 + 7, 17) = 21, abandonment days
    # 12 to 19, drift days 9 (int(21 * 0.45)) for 14 days, cut at the end of the data (21).
    causes = {cause["kind"]: cause for cause in truth_of(landing)["special_causes"]}
    dates = {kind: (cause["from_date"], cause["to_date"]) for kind, cause in causes.items()}
    assert dates == {
        "stopped_recording_disclosure": ("2026-06-15", "2026-06-22"),
        "abandonment_spike": ("2026-06-13", "2026-06-20"),
        "handle_time_drift": ("2026-06-10", "2026-06-22"),
    }
    assert causes["stopped_recording_disclosure"]["team_id"] == "T02"  # 2 teams: the last
    assert causes["abandonment_spike"]["queue"] == "billing"


def test_recent_scenario_ends_every_cause_with_the_data(recent_landing):
    truth = truth_of(recent_landing)
    end = RECENT_START + dt.timedelta(days=RECENT_DAYS)  # the day after the data, 2026-08-02
    last_day = end - dt.timedelta(days=1)  # Saturday 2026-08-01
    mondays = [
        last_day - dt.timedelta(days=back)
        for back in range(7, 21)
        if (last_day - dt.timedelta(days=back)).weekday() == 0
    ]
    last_full_week = max(m for m in mondays if m + dt.timedelta(days=6) <= last_day)
    assert last_full_week == dt.date(2026, 7, 20)
    assert truth["evaluation_max_delay_days"] == 5
    expected = {
        "abandonment_spike": ("queue", "billing", end - dt.timedelta(days=3)),
        "stopped_recording_disclosure": ("team", "T02", end - dt.timedelta(days=3 + 5)),
        "handle_time_drift": ("site", "Leeds", last_full_week),
    }
    found = {
        cause["kind"]: (
            cause["segment_kind"],
            cause["segment_value"],
            dt.date.fromisoformat(cause["from_date"]),
        )
        for cause in truth["special_causes"]
    }
    assert found == expected
    assert {cause["to_date"] for cause in truth["special_causes"]} == {end.isoformat()}
    assert truth["teams"]["T02"] != "Leeds"  # the drift is not hidden behind the lapse
    changes = read(recent_landing, "process_changes/process_changes_0001.csv")
    assert changes["change_id"].tolist() == ["PC001"]  # no refresher while the lapse runs


def test_recent_scenario_needs_eight_weeks_of_data(tmp_path):
    with pytest.raises(ValueError, match="at least 56 days"):
        generate_landing(tmp_path, seed=3, agents=14, days=55, causes="recent")
    assert not any(tmp_path.iterdir())  # refused before anything is written


def test_handle_time_drift_shows_at_its_site_only(recent_landing):
    drift = special_cause(truth_of(recent_landing), "handle_time_drift")
    contacts = read(recent_landing, "interactions/interactions_0001.csv")
    handled = contacts[contacts["abandoned"] == "false"].assign(
        day=lambda frame: frame["started_at"].str[:10],
        handle=lambda frame: sum(
            frame[column].astype(float)
            for column in ("talk_seconds", "hold_seconds", "after_contact_work_seconds")
        ),
    )
    first = dt.date.fromisoformat(drift["from_date"])
    length = (dt.date.fromisoformat(drift["to_date"]) - first).days
    last_three = (first + dt.timedelta(days=length - 3)).isoformat()
    # Talk time × (1 + 0.04 k) on day k of the drift: over its last three days about
    # 1 + 0.04 (length - 1) on average; hold and wrap-up time do not drift.
    talk_increase = 0.04 * (length - 1)
    ratios = {
        site: frame.loc[frame["day"] >= last_three, "handle"].mean()
        / frame.loc[frame["day"] < drift["from_date"], "handle"].mean()
        for site, frame in handled.groupby("site")
    }
    assert ratios.pop(drift["segment_value"]) > 1 + talk_increase / 2
    assert ratios
    assert all(abs(ratio - 1) < 0.07 for ratio in ratios.values()), ratios
