"""The Streamlit app against a real published warehouse, through AppTest."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


def latest_complete_week(warehouse, site="All", team_id="All", channel="All"):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select qa_score_avg, critical_fail_rate from marts.mart_quality_weekly"
            " where site = ? and team_id = ? and channel = ? and is_complete_week"
            " order by week_start desc limit 1",
            [site, team_id, channel],
        ).fetchall()[0]


def run_app(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_overview_shows_the_latest_complete_week_from_the_mart(monkeypatch, published_warehouse):
    app = run_app(monkeypatch, published_warehouse)
    assert not app.exception
    qa_score, critical_rate = latest_complete_week(published_warehouse)
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["QA score"] == charts.format_value(charts.METRICS[0], qa_score)
    assert tiles["Critical-fail rate"] == charts.format_value(charts.METRICS[1], critical_rate)


def test_team_filter_selects_that_teams_rows(monkeypatch, published_warehouse):
    app = run_app(monkeypatch, published_warehouse)
    team_box = app.sidebar.selectbox[1]
    team_id = next(option for option in team_box.options if option != "All")
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(team_key,)] = connection.execute(
            "select distinct team_id from marts.mart_quality_weekly where team_name = ?",
            [team_id],
        ).fetchall() or [(team_id,)]
    app = team_box.select(team_key).run()
    assert not app.exception
    qa_score, _ = latest_complete_week(published_warehouse, team_id=team_key)
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["QA score"] == charts.format_value(charts.METRICS[0], qa_score)


def test_missing_warehouse_explains_what_to_run(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "nothing.duckdb")
    assert not app.exception
    assert "qm run" in app.error[0].value
