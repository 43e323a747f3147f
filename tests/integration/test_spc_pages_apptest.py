"""The SPC pages against the real published test warehouse, through AppTest."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow
PAGES = Path(__file__).resolve().parents[2] / "dashboards" / "pages"


def page(monkeypatch, warehouse, name: str, **query) -> AppTest:
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(PAGES / name), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_needs_attention_lists_the_injected_cause_with_a_link(
    monkeypatch, published_warehouse, recording_lapse
):
    app = page(monkeypatch, published_warehouse, "needs_attention.py")
    assert not app.exception
    lines = [block.value for block in app.markdown]
    [line] = [
        text
        for text in lines
        if f"critical_fail_rate · team {recording_lapse['team_id']} · day" in text
    ]
    assert "control-chart?metric=critical_fail_rate&grain=day&segment_kind=team" in line


def test_needs_attention_folds_single_agents_below_the_process_level(
    monkeypatch, published_warehouse
):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(agents,)] = connection.execute(
            "select count(*) from marts.mart_spc_attention where segment_kind = 'agent'"
        ).fetchall()
    app = page(monkeypatch, published_warehouse, "needs_attention.py")
    [folded] = app.expander
    assert folded.label == f"Single agents: {agents} charts signalled"
    inside = [block.value for block in folded.markdown]
    assert len(inside) == min(agents, 300)
    assert all("· agent " in line for line in inside)
    outside = [block.value for block in app.markdown if block.value not in inside]
    assert outside and not any("· agent " in line for line in outside)


def test_control_chart_follows_and_writes_the_url(monkeypatch, published_warehouse):
    selection = {
        "metric": "evaluation_score",
        "grain": "week",
        "segment_kind": "all",
        "segment_value": "all",
    }
    app = page(monkeypatch, published_warehouse, "control_chart.py", **selection)
    assert not app.exception
    assert {key: app.query_params[key] for key in selection} == selection
    assert [metric.value for metric in app.metric] == ["xbar_s"]
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(reason,)] = connection.execute(
            "select distinct chart_choice_reason from marts.mart_spc_points"
            " where series_id = 'evaluation_score|week|all|all'"
        ).fetchall()
    assert reason in [caption.value for caption in app.caption]


def test_laney_chart_explains_its_wider_limits(monkeypatch, published_warehouse):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select metric, grain, segment_kind, segment_value, limits_explanation"
            " from marts.mart_spc_points where chart_type = 'laney_p' and metric_detail is null"
            " and stage = (select max(stage) from marts.mart_spc_points as s"
            "   where s.series_id = mart_spc_points.series_id) limit 1"
        ).fetchall()
    if not rows:
        pytest.skip("no Laney series in the latest stage of this sample")
    metric, grain, kind, value, explanation = rows[0]
    app = page(
        monkeypatch, published_warehouse, "control_chart.py",
        metric=metric, grain=grain, segment_kind=kind, segment_value=value,
    )  # fmt: skip
    assert not app.exception
    assert explanation in [info.value for info in app.info]


def test_missing_warehouse_is_explained_on_both_pages(monkeypatch, tmp_path):
    for name in ("needs_attention.py", "control_chart.py"):
        app = page(monkeypatch, tmp_path / "none.duckdb", name)
        assert not app.exception
        assert "qm run" in app.error[0].value
