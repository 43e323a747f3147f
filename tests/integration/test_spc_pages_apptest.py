"""The SPC pages against the real published test warehouse, through AppTest."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from dashboards import charts
from orchestration.metrics import registry
from tests.integration.pages import fetch, page

pytestmark = pytest.mark.slow


def test_needs_attention_lists_the_ranked_items_with_links_to_their_window(
    monkeypatch, published_warehouse
):
    items = fetch(
        published_warehouse,
        "select series_id, sentence, window_start, window_end from marts.mart_spc_attention"
        " where level = 'process' and rank is not null order by rank",
    )
    assert len(items), "the generated sample has a special cause in its recent window"
    app = page(monkeypatch, published_warehouse, "needs_attention.py")
    assert not app.exception
    lines = [block.value for block in app.markdown if "open chart" in block.value]
    for line, item in zip(lines, items.to_dict("records"), strict=False):
        assert charts.plain(item["sentence"]) in line
        chart = line[line.index("[open chart](") + 13 :].split(")")[0]
        link = parse_qs(urlparse(chart).query)
        contacts = line[line.index("[contacts](") + 11 :].split(")")[0]
        assert parse_qs(urlparse(contacts).query) == {
            "segment_kind": link["segment_kind"], "segment_value": link["segment_value"],
            "start": link["window_start"], "end": link["window_end"],
        }  # fmt: skip
        assert link["window_start"] == [f"{item['window_start']:%Y-%m-%d}"]
        assert link["window_end"] == [f"{item['window_end']:%Y-%m-%d}"]
        assert f"{link['metric'][0]}|" in item["series_id"]


def test_needs_attention_groups_single_agents_under_their_team(monkeypatch, published_warehouse):
    agents = fetch(
        published_warehouse,
        "select team_id, team_name, sentence from marts.mart_spc_attention"
        " where level = 'agent' and rank is not null",
    )
    app = page(monkeypatch, published_warehouse, "needs_attention.py")
    expanders = [expander for expander in app.expander if expander.label.startswith("Team ")]
    assert len(expanders) == agents["team_id"].nunique()
    for expander in expanders:
        team_id = expander.label.split("(")[1].split(")")[0]
        expected = agents[agents["team_id"] == team_id]["sentence"].map(charts.plain)
        shown = [block.value for block in expander.markdown]
        assert len(shown) == len(expected)
        assert all(any(sentence in line for line in shown) for sentence in expected)


def test_control_chart_follows_and_writes_the_url(monkeypatch, published_warehouse):
    selection = {
        "metric": "qa_score",
        "grain": "week",
        "segment_kind": "all",
        "segment_value": "all",
    }
    app = page(monkeypatch, published_warehouse, "control_chart.py", **selection)
    assert not app.exception
    assert {key: app.query_params[key] for key in selection} == selection
    assert "**X̄–S chart (mean and spread)**" in [block.value for block in app.markdown]
    [(reason,)] = fetch(
        published_warehouse,
        "select distinct chart_choice_reason from marts.mart_spc_chart_points"
        " where series_id = 'qa_score|week|all|all'",
    ).itertuples(index=False)
    assert charts.plain(reason) in [caption.value for caption in app.caption]


def test_every_metric_of_the_registry_is_offered_by_its_label(monkeypatch, published_warehouse):
    app = page(monkeypatch, published_warehouse, "control_chart.py")
    assert list(app.sidebar.selectbox[0].options) == [metric.label for metric in registry()]


def test_the_window_of_an_attention_item_is_marked_on_its_chart(monkeypatch, published_warehouse):
    app = page(
        monkeypatch, published_warehouse, "control_chart.py",
        metric="abandonment_rate", grain="day", segment_kind="all", segment_value="all",
        window_start="2026-06-20", window_end="2026-06-22",
    )  # fmt: skip
    assert not app.exception
    assert any("Shaded: 20 Jun – 22 Jun 2026" in caption.value for caption in app.caption)


def test_laney_chart_explains_its_wider_limits(monkeypatch, published_warehouse):
    rows = fetch(
        published_warehouse,
        "select metric, grain, segment_kind, segment_value, limits_explanation"
        " from marts.mart_spc_chart_points where chart_type = 'laney_p'"
        " and metric_detail is null and stage = (select max(stage)"
        " from marts.mart_spc_points as s where s.series_id = mart_spc_chart_points.series_id)"
        " limit 1",
    )
    if rows.empty:
        pytest.skip("no Laney series in the latest stage of this sample")
    metric, grain, kind, value, explanation = rows.iloc[0].tolist()
    app = page(
        monkeypatch, published_warehouse, "control_chart.py",
        metric=metric, grain=grain, segment_kind=kind, segment_value=value,
    )  # fmt: skip
    assert not app.exception
    assert explanation in [info.value for info in app.info]


def test_an_unknown_segment_in_a_link_is_named_not_replaced(monkeypatch, published_warehouse):
    app = page(
        monkeypatch, published_warehouse, "control_chart.py",
        metric="qa_score", grain="day", segment_kind="team", segment_value="T99",
    )  # fmt: skip
    assert not app.exception
    assert ["T99" in warning.value for warning in app.warning] == [True]
    assert not app.get("vega_lite_chart")  # no chart of another team instead


def test_missing_warehouse_is_explained_on_both_pages(monkeypatch, tmp_path):
    for name in ("needs_attention.py", "control_chart.py"):
        app = page(monkeypatch, tmp_path / "none.duckdb", name)
        assert not app.exception
        assert "qm run" in app.error[0].value
