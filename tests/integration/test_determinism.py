"""The same landing files built twice give the same marts."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.conftest import run_pipeline

pytestmark = pytest.mark.slow
# Columns that say when this build ingested a file: facts of the run, not of the landing data.
RUN_FACTS = {"mart_ingested_files": ["ingested_at"], "mart_source_freshness": ["last_ingested_at"]}


def tables_of(path, selection: list[str] = ("marts",)) -> dict[str, pd.DataFrame]:
    """Every base table of the schemas named, and the `schema.table`s named."""
    schemas = [name for name in selection if "." not in name]
    with duckdb.connect(str(path), read_only=True) as connection:
        names = [
            f"{schema}.{table}"
            for schema, table in connection.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_type = 'BASE TABLE' and list_contains(?, table_schema)"
                " order by 1, 2",
                [schemas],
            ).fetchall()
        ] + [name for name in selection if "." in name]
        return {
            name: connection.execute(f"select * from {name}")
            .df()
            .drop(columns=RUN_FACTS.get(name.split(".")[1], []))
            for name in names
        }


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, whatever order a build wrote them in; lists as text."""
    frame = frame.map(lambda value: repr(list(value)) if hasattr(value, "__len__")
                      and not isinstance(value, str) else value)  # fmt: skip
    keys = [column for column in frame.columns if not pd.api.types.is_float_dtype(frame[column])]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_tables(first: dict[str, pd.DataFrame], second: dict[str, pd.DataFrame]):
    """The same tables with the same rows, in any order; floats to 1e-9."""
    assert first.keys() == second.keys()
    for name, frame in first.items():
        left, right = canonical(frame), canonical(second[name])
        assert left.shape == right.shape, name
        for column in left.columns:
            if pd.api.types.is_float_dtype(left[column]):
                assert left[column].to_numpy() == pytest.approx(
                    right[column].to_numpy(), rel=1e-9, abs=1e-12, nan_ok=True
                ), f"{name}.{column}"
            else:
                assert left[column].equals(right[column]), f"{name}.{column}"


def test_the_same_landing_built_twice_gives_the_same_marts(generated_run, tmp_path):
    again = run_pipeline(generated_run.landing, tmp_path)
    first, second = tables_of(generated_run.published), tables_of(again.published)
    assert "marts.mart_spc_attention" in first
    assert_same_tables(first, second)
