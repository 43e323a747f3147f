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


def run_app(monkeypatch, warehouse, **query) -> AppTest:
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_overview_shows_the_latest_complete_week_from_the_mart(monkeypatch, published_warehouse):
    app = run_app(monkeypatch, published_warehouse)
    assert not app.exception
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == expected_tiles(published_warehouse)
    assert len(app.get("vega_lite_chart")) == len(tiles)


def test_team_filter_selects_that_teams_rows(monkeypatch, published_warehouse):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(team_id, team_name)] = connection.execute(
            "select team_id, any_value(team_name) from marts.mart_quality_weekly"
            " where team_id not in ('All', 'Unassigned') group by team_id order by team_id limit 1"
        ).fetchall()
    app = run_app(monkeypatch, published_warehouse)
    team_box = app.sidebar.selectbox[1]
    assert f"{team_name} ({team_id})" in team_box.options  # names with their ids
    app = team_box.select(team_id).run()
    assert not app.exception
    assert app.query_params["team"] == team_id
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == expected_tiles(published_warehouse, team_id=team_id)


def test_tiles_say_how_far_from_target_in_words(monkeypatch, published_warehouse):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(value, target)] = connection.execute(
            "select arg_max(value, week_start), arg_max(target, week_start)"
            " from marts.mart_quality_weekly where metric = 'qa_score' and site = 'All'"
            " and team_id = 'All' and channel = 'All' and is_complete_week"
        ).fetchall()
    app = run_app(monkeypatch, published_warehouse)
    [tile] = [metric for metric in app.metric if metric.label == "QA score"]
    side = "below" if value < target else "above"
    assert tile.delta == f"{abs(value - target):.1f} points {side} target"


def test_filters_live_in_the_url_and_an_unknown_team_is_named(monkeypatch, published_warehouse):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(team_id,)] = connection.execute(
            "select min(team_id) from marts.mart_quality_weekly where team_id <> 'All'"
        ).fetchall()
    app = run_app(monkeypatch, published_warehouse, team=team_id, channel="voice")
    assert not app.exception
    assert (app.query_params["team"], app.query_params["channel"]) == (team_id, "voice")
    assert {m.label: m.value for m in app.metric} == expected_tiles(
        published_warehouse, team_id=team_id, channel="voice"
    )
    app = run_app(monkeypatch, published_warehouse, team="T99")
    assert ["T99" in warning.value for warning in app.warning] == [True]
    assert not app.metric  # nothing shown for a team that is not there


def test_missing_warehouse_explains_what_to_run(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "nothing.duckdb")
    assert not app.exception
    assert "qm run" in app.error[0].value
