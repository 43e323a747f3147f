"""The Dagster graph and the dbt project: what users see in the UI and the docs."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from orchestration.assets.transform import dbt_project


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_every_export_and_model_is_an_asset(defs):
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for expected in (
        "raw/interactions",
        "raw/transcripts",
        "raw/form_questions",
        "staging/stg_evaluations",
        "marts/fct_evaluations",
        "marts/mart_quality_weekly",
        "published_warehouse",
    ):
        assert expected in keys


def test_publication_waits_on_every_mart(defs):
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey("published_warehouse")).parent_keys
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    assert marts and marts <= parents


def test_great_expectations_suites_are_blocking_checks(defs):
    graph = defs.resolve_asset_graph()
    checks = {
        key.to_user_string(): graph.get_check_spec(key).blocking
        for key in graph.asset_check_keys
        if key.name.startswith("ge_")
    }
    assert "marts/fct_evaluations:ge_mart_fct_evaluations" in checks
    assert "raw/interactions:ge_raw_interactions" in checks
    assert all(checks.values())


def test_dbt_tests_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    names = {key.name for key in graph.asset_check_keys}
    assert "unique_fct_evaluations_evaluation_id" in names


def test_every_model_has_a_description():
    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    assert models
    assert [node["name"] for node in models if not node["description"].strip()] == []


def documented_columns() -> dict[tuple[str, str], set[str]]:
    """(schema, model) → columns with a description in the yml files."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return {
        (node["schema"], node["name"]): {
            name for name, column in node["columns"].items() if column["description"].strip()
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
