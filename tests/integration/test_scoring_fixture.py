"""The brief's scoring rules, checked against scores computed by hand.

Form hand_form v1 (tests/fixtures/scoring_landing/forms): sections opening W=20
(greeting w1, recording_disclosure w1 critical form), compliance W=30 (identity_check w2
critical section, data_protection w1 N/A-able), soft_skills W=50 (empathy scale 0..4 w2,
hold_permission w1 N/A-able, professionalism w1), wrap_up W=10 (survey_offer, N/A-able).
"""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.slow

# Each expected score is written out as the hand computation it comes from.
EXPECTED = {
    # everything yes, empathy 4/4
    "E1": dict(score=100.0, before=100.0, critical=False),
    # hold_permission N/A inside soft_skills: (2·0.5 + 1·1) / (2 + 1) = 2/3
    "E2": dict(
        score=100 * (20 + 30 + 50 * 2 / 3 + 10) / 110,
        before=100 * (20 + 30 + 50 * 2 / 3 + 10) / 110,
        critical=False,
    ),
    # wrap_up all N/A ⇒ its weight is redistributed; greeting no ⇒ opening 0.5
    "E3": dict(score=100 * (20 * 0.5 + 30 + 50) / 100, before=90.0, critical=False),
    # identity_check (critical: section) no ⇒ compliance scores 0
    "E4": dict(score=100 * (20 + 0 + 50 + 10) / 110, before=100 * 80 / 110, critical=False),
    # recording_disclosure (critical: form) no ⇒ score 0, before = opening 0.5
    "E5": dict(score=0.0, before=100 * (20 * 0.5 + 30 + 50 + 10) / 110, critical=True),
    # revision 2 (all yes) replaces revision 1 (greeting no)
    "E6": dict(score=100.0, before=100.0, critical=False),
    # scale: empathy 3/4 ⇒ soft_skills (2·0.75 + 1 + 1) / 4 = 0.875
    "E8": dict(score=100 * (20 + 30 + 50 * 0.875 + 10) / 110, before=None, critical=False),
}


@pytest.fixture(scope="module")
def evaluations(scoring_run):
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        rows = connection.execute(
            "select evaluation_id, revision, score, score_before_critical, is_critical_fail,"
            " is_agent_scored, evaluation_type, team_id from marts.fct_evaluations"
        ).fetchall()
    return {row[0]: row for row in rows}


@pytest.mark.parametrize("evaluation_id", sorted(EXPECTED))
def test_evaluation_score_matches_hand_computation(evaluations, evaluation_id):
    expected = EXPECTED[evaluation_id]
    _, _, score, before, is_critical_fail, *_ = evaluations[evaluation_id]
    assert score == pytest.approx(expected["score"], abs=1e-9)
    assert is_critical_fail is expected["critical"]
    if expected["before"] is not None:
        assert before == pytest.approx(expected["before"], abs=1e-9)


def test_highest_revision_is_the_one_that_counts(evaluations):
    assert evaluations["E6"][1] == 2


def test_calibration_is_kept_apart_from_agent_scores(evaluations):
    assert evaluations["E7"][5] is False
    assert evaluations["E7"][6] == "calibration"
    assert all(row[5] for key, row in evaluations.items() if key != "E7")


def test_evaluation_is_attributed_to_the_team_of_that_day(evaluations):
    # A1 moved from T1 to T2 on 2026-06-10: E1 (contact on 06-01) and E8 (06-12).
    assert evaluations["E1"][7] == "T1"
    assert evaluations["E8"][7] == "T2"


def test_all_na_section_is_counted_as_na(scoring_run):
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        rows = connection.execute(
            "select section_id, is_na, section_score from intermediate.int_sections_scored"
            " where evaluation_id = 'E3'"
        ).fetchall()
    by_section = {section: (is_na, score) for section, is_na, score in rows}
    assert by_section["wrap_up"] == (True, None)
    assert by_section["opening"] == (False, 0.5)


def test_weekly_mart_averages_counted_evaluations(scoring_run):
    # Week of 2026-06-01: E1..E5 are standard and counted (E6..E8 fall in the next week).
    week_one = [EXPECTED[key]["score"] for key in ("E1", "E2", "E3", "E4", "E5")]
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        rows = connection.execute(
            "select metric, value, units, target from marts.mart_quality_weekly"
            " where week_start = '2026-06-01' and site = 'All' and team_id = 'All'"
            " and channel = 'All' and metric in ('qa_score', 'critical_fail_rate')"
        ).fetchall()
    weekly = {metric: (value, units, target) for metric, value, units, target in rows}
    assert weekly["qa_score"][:2] == (pytest.approx(sum(week_one) / 5), 5)
    assert weekly["qa_score"][2] == 85
    assert weekly["critical_fail_rate"] == (pytest.approx(1 / 5), 5, 0.05)


def test_team_target_overrides_the_centre_target(scoring_run):
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        target = connection.execute(
            "select target from marts.mart_quality_weekly where week_start = '2026-06-08'"
            " and site = 'All' and team_id = 'T2' and channel = 'All' and metric = 'qa_score'"
        ).fetchall()[0][0]
    assert target == 90


def test_restated_interaction_latest_update_wins_and_history_is_kept(scoring_run):
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        resolved = connection.execute(
            "select is_resolved from marts.fct_interactions where interaction_id = 'I1'"
        ).fetchall()
        history = connection.execute(
            "select count(*) from raw.interactions where interaction_id = 'I1'"
        ).fetchall()
    assert resolved == [(False,)]
    assert history == [(2,)]


def test_offset_timestamps_are_stored_in_utc(scoring_run):
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        started = connection.execute(
            "select strftime(started_at, '%Y-%m-%d %H:%M') from marts.fct_interactions"
            " where interaction_id = 'I6'"
        ).fetchall()
    assert started == [("2026-06-08 07:00",)]


def test_every_staging_and_mart_column_is_documented(scoring_run):
    from tests.unit.test_definitions import documented_columns

    documented = documented_columns()
    with duckdb.connect(str(scoring_run.published), read_only=True) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('staging', 'marts')"
        ).fetchall()
    missing = [
        f"{schema}.{table}.{column}"
        for schema, table, column in columns
        if column not in documented.get((schema, table), set())
    ]
    assert missing == []
