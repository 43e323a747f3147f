"""The same landing files built twice give the same marts."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.conftest import run_pipeline

pytestmark = pytest.mark.slow
# Columns that say when this build ingested a file: facts of the run, not of the landing data.
RUN_FACTS = {"mart_ingested_files": ["ingested_at"], "mart_source_freshness": ["last_ingested_at"]}


def mart_tables(path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
                " and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        return {
            name: connection.execute(f"select * from marts.{name}")
            .df()
            .drop(columns=RUN_FACTS.get(name, []))
            for name in names
        }


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, whatever order a build wrote them in; lists as text."""
    frame = frame.map(lambda value: repr(list(value)) if hasattr(value, "__len__")
                      and not isinstance(value, str) else value)  # fmt: skip
    keys = [column for column in frame.columns if not pd.api.types.is_float_dtype(frame[column])]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_the_same_landing_built_twice_gives_the_same_marts(generated_run, tmp_path):
    again = run_pipeline(generated_run.landing, tmp_path)
    first, second = mart_tables(generated_run.published), mart_tables(again.published)
    assert first.keys() == second.keys() and "mart_spc_attention" in first
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
