"""The Calibration page against the real published test warehouse, through AppTest: the
evaluators the mart flags are named, each table is the mart's rows, the form is in the URL."""

from __future__ import annotations

import pytest

from tests.integration.pages import fetch
from tests.integration.pages import page as open_view

pytestmark = pytest.mark.slow


def view(monkeypatch, warehouse, **query):
    return open_view(monkeypatch, warehouse, "calibration.py", **query)


def test_flagged_evaluators_are_named_and_every_table_is_the_marts(
    monkeypatch, published_warehouse, truth
):
    [form] = fetch(
        published_warehouse, "select distinct form_id from marts.mart_calibration_evaluators"
    )["form_id"]
    flagged = fetch(
        published_warehouse,
        "select evaluator_id, direction from marts.mart_calibration_evaluators"
        " where is_significant",
    )
    app = view(monkeypatch, published_warehouse)
    assert not app.exception
    assert app.query_params["form"] == form
    evaluators, agreement, machine, disputes = (frame.value for frame in app.dataframe)
    said = " ".join(block.value for block in app.markdown)
    assert len(flagged) > 0
    for row in flagged.itertuples():
        assert f"{row.evaluator_id} \\({row.direction}\\)" in said
    assert list(evaluators["mean_deviation"]) == sorted(evaluators["mean_deviation"], reverse=True)
    assert set(evaluators["evaluator_id"]) == set(truth["evaluator_leniency"])
    for table, mart in [(agreement, "mart_calibration"), (machine, "mart_machine_agreement")]:
        expected = fetch(published_warehouse, f"select question_id from marts.{mart}")
        assert sorted(table["question_id"]) == sorted(expected["question_id"])
    assert disputes["evaluations_count"].sum() == truth["standard_evaluations"]
    assert len(app.get("vega_lite_chart")) == 3


def test_an_unknown_form_in_the_link_is_named(monkeypatch, published_warehouse):
    app = view(monkeypatch, published_warehouse, form="no_such_form")
    assert not app.exception
    assert "no\\_such\\_form" in app.warning[0].value or "no_such_form" in app.warning[0].value
