"""The published warehouse as analysts see it from any DuckDB client: every mart and column
carries its yml description as a comment, and the types the marts' contracts declare."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow
MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def documented(layer: str) -> dict[str, dict]:
    """Model → its yml entry, read from the layer's yml files (not from dbt's manifest)."""
    return {
        model["name"]: model
        for path in (MODELS / layer).rglob("_*.yml")
        for model in yaml.safe_load(path.read_text()).get("models", [])
    }


def test_a_mart_and_its_columns_show_their_descriptions_as_comments(warehouse):
    [table_comment] = warehouse.execute(
        "select comment from duckdb_tables()"
        " where schema_name = 'marts' and table_name = 'fct_evaluations'"
    ).fetchone()
    assert table_comment.startswith("One row per evaluation at its highest revision")
    [score_comment] = warehouse.execute(
        "select comment from duckdb_columns() where schema_name = 'marts'"
        " and table_name = 'fct_evaluations' and column_name = 'score'"
    ).fetchone()
    assert score_comment == "Evaluation score 0..100 (0 after a form-level critical fail)."


def test_every_mart_table_and_column_comment_is_its_yml_description(warehouse):
    marts = documented("marts")
    tables = dict(
        warehouse.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    )
    assert set(tables) == set(marts)
    for name, comment in tables.items():
        assert (comment or "").strip() == marts[name]["description"].strip(), name
    columns = warehouse.execute(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
    ).fetchall()
    for table, column, comment in columns:
        [entry] = [entry for entry in marts[table]["columns"] if entry["name"] == column]
        assert (comment or "").strip() == entry["description"].strip(), f"{table}.{column}"


def test_staging_views_and_tables_carry_their_comments_too(warehouse):
    staging = documented("staging")
    relations = dict(
        warehouse.execute(
            "select view_name, comment from duckdb_views() where schema_name = 'staging'"
            " union all"
            " select table_name, comment from duckdb_tables() where schema_name = 'staging'"
        ).fetchall()
    )
    assert relations and set(relations) == set(staging)
    for name, comment in relations.items():
        assert (comment or "").strip() == staging[name]["description"].strip(), name
    [comment] = warehouse.execute(
        "select comment from duckdb_columns() where schema_name = 'staging'"
        " and table_name = 'stg_interactions' and column_name = 'interaction_id'"
    ).fetchone()
    assert comment == "Contact key from the telephony / CCaaS platform."


def test_mart_columns_have_the_types_their_contracts_declare(warehouse):
    declared = {
        (name, column["name"]): column["data_type"].upper()
        for name, model in documented("marts").items()
        for column in model["columns"]
    }
    built = {
        (table, column): data_type.upper()
        for table, column, data_type in warehouse.execute(
            "select table_name, column_name, data_type from duckdb_columns()"
            " where schema_name = 'marts'"
        ).fetchall()
    }
    assert built == declared
