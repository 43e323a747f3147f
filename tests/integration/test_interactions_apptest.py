"""The Interactions page against the real published test warehouse, through AppTest: the
list follows the URL's segment, dates and flag; one contact shows its transcript as stored,
its flags and the machine's answers with their evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.pages import fetch
from tests.integration.pages import page as open_view

pytestmark = pytest.mark.slow


def view(monkeypatch, warehouse, **query):
    return open_view(monkeypatch, warehouse, "interactions.py", **query)


def test_the_list_holds_the_flagged_contacts_of_the_segment_most_friction_first(
    monkeypatch, published_warehouse
):
    [(team, last_seen)] = fetch(
        published_warehouse,
        "select team_id, max(interaction_date) from marts.fct_interactions"
        " where has_escalation_request group by team_id order by count(*) desc limit 1",
    ).itertuples(index=False)
    last_day = last_seen.date()
    start = (last_day - dt.timedelta(days=13)).isoformat()
    expected = fetch(
        published_warehouse,
        "select interaction_id, friction_score from marts.fct_interactions"
        " where team_id = ? and has_escalation_request and not is_abandoned"
        " and interaction_date between ? and ?",
        team, start, last_day,
    )  # fmt: skip
    app = view(
        monkeypatch, published_warehouse, segment_kind="team", segment_value=team,
        start=start, end=last_day.isoformat(), flag="escalation",
    )  # fmt: skip
    assert not app.exception
    shown = app.dataframe[0].value
    assert len(expected) > 0
    assert sorted(shown["interaction_id"]) == sorted(expected["interaction_id"])
    assert list(shown["friction_score"]) == sorted(shown["friction_score"], reverse=True)
    assert (shown["link"] == "interactions?interaction_id=" + shown["interaction_id"]).all()
    assert app.query_params["flag"] == "escalation"


def test_a_contact_shows_its_stored_transcript_flags_and_machine_evidence(
    monkeypatch, published_warehouse
):
    contact = fetch(
        published_warehouse,
        "select interaction_id, friction_score from marts.fct_interactions"
        " where has_escalation_request and has_transfer and machine_score is not null"
        " order by interaction_id limit 1",
    ).iloc[0]
    turns = fetch(
        published_warehouse,
        "select turn_index, turn_text from marts.fct_transcript_turns where interaction_id = ?"
        " order by turn_index",
        contact["interaction_id"],
    )
    evidence = fetch(
        published_warehouse,
        "select question_id, evidence_turn_index from marts.fct_evaluation_answers"
        " where interaction_id = ? and evaluation_type = 'auto'"
        " and evidence_turn_index is not null",
        contact["interaction_id"],
    )
    app = view(monkeypatch, published_warehouse, interaction_id=contact["interaction_id"])
    assert not app.exception
    friction = next(metric for metric in app.metric if metric.label.startswith("Friction"))
    assert friction.value == f"{contact['friction_score']:.1f}"
    flags = " ".join(block.value for block in app.markdown)
    assert "asked for escalation" in flags and "was transferred" in flags
    transcript, answers = (frame.value for frame in app.dataframe)
    transcript = getattr(transcript, "data", transcript)  # a Styler holds its frame
    assert list(transcript["turn_text"]) == list(turns["turn_text"])
    for row in evidence.itertuples():
        marked = transcript[transcript["turn_index"] == row.evidence_turn_index]
        assert row.question_id in marked["evidence_for"].iloc[0]
    machine = answers[answers["by"] == "machine"]
    assert set(machine["question_id"]) >= set(evidence["question_id"])


def test_redacted_personal_data_shows_as_its_token(monkeypatch, published_warehouse):
    [(contact,)] = fetch(
        published_warehouse,
        "select interaction_id from marts.fct_transcript_turns"
        " where turn_text like '%[CARD]%' order by interaction_id limit 1",
    ).itertuples(index=False)
    app = view(monkeypatch, published_warehouse, interaction_id=contact)
    transcript = app.dataframe[0].value
    transcript = getattr(transcript, "data", transcript)
    assert transcript["turn_text"].str.contains("[CARD]", regex=False).any()


def test_an_unknown_contact_is_named_not_replaced(monkeypatch, published_warehouse):
    app = view(monkeypatch, published_warehouse, interaction_id="NO-SUCH-CONTACT")
    assert not app.exception
    assert any("NO\\-SUCH\\-CONTACT" in warning.value for warning in app.warning)
    assert len(app.dataframe) == 0
