"""The Streamlit app against a real published warehouse, through AppTest."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts
from orchestration.metrics import registry

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


def expected_tiles(warehouse, site="All", team_id="All", channel="All") -> dict:
    """Each overview metric's latest complete week, formatted as the registry says."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        values = dict(
            connection.execute(
                "select metric, arg_max(value, week_start) from marts.mart_quality_weekly"
                " where site = ? and team_id = ? and channel = ? and is_complete_week"
                " group by metric",
                [site, team_id, channel],
            ).fetchall()
        )
    return {
        metric.label: charts.format_value(metric.format, values.get(metric.metric))
        for metric in registry()
        if metric.overview
    }


def run_app(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_overview_shows_the_latest_complete_week_from_the_mart(monkeypatch, published_warehouse):
    app = run_app(monkeypatch, published_warehouse)
    assert not app.exception
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == expected_tiles(published_warehouse)
    assert len(app.get("vega_lite_chart")) == len(tiles)


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
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == expected_tiles(published_warehouse, team_id=team_key)


def test_missing_warehouse_explains_what_to_run(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "nothing.duckdb")
    assert not app.exception
    assert "qm run" in app.error[0].value
