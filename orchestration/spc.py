"""The SPC engine for analysts: renders the dbt SPC macros and runs them in DuckDB.

The statistics live only in `dbt_project/macros/spc/*.sql`; this module loads those same
macros with Jinja, so `qm spc` and the warehouse marts compute identical charts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from orchestration import settings

CHARTS = ("p", "np", "c", "u", "laney_p", "laney_u", "xbar_r", "xbar_s", "imr", "ewma", "cusum")
ATTRIBUTE_CHARTS = ("p", "np", "c", "u", "laney_p", "laney_u")
SEQUENTIAL_CHARTS = ("ewma", "cusum")
RULE_SETS = ("we", "nelson", "none")
MAX_EXCLUSION_PASSES = 20


class _Exceptions:
    @staticmethod
    def raise_compiler_error(message: str) -> None:
        raise ValueError(message)


@cache
def _macros() -> jinja2.Template:
    source = "\n".join(
        path.read_text()
        for path in sorted((settings.DBT_PROJECT_DIR / "macros" / "spc").glob("*.sql"))
    )
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["exceptions"] = _Exceptions()
    return environment.from_string(source)


def chart_sql(source: str, chart: str, max_passes: int = 0, **parameters) -> str:
    """SQL of one chart over `source` (a relation with the engine's input columns), its
    Phase I baseline revised up to `max_passes` times (the macro the marts use)."""
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(CHARTS)}")
    if max_passes and chart in SEQUENTIAL_CHARTS:
        raise ValueError(f"Phase I exclusion applies to Shewhart charts, not {chart}")
    module = _macros().make_module()
    if max_passes:
        return str(module.spc_revised_chart(source, chart, max_passes, **parameters))
    return str(module.spc_chart(source, chart, **parameters))


def signals_sql(points: str, rules: str = "we") -> str:
    """SQL of the run-rule signals over chart points (the output of `chart_sql`)."""
    if rules not in RULE_SETS:
        raise ValueError(f"unknown rules {rules!r}; expected one of {', '.join(RULE_SETS)}")
    return str(_macros().make_module().spc_signals(points, rules))


def run_chart(
    connection: duckdb.DuckDBPyConnection, source: str, chart: str, **parameters
) -> pd.DataFrame:
    sql = chart_sql(source, chart, **parameters)
    return connection.execute(f"select * from ({sql}) order by chart, stage, subgroup_order").df()


def _read_input(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    readers = {".csv": "read_csv_auto", ".parquet": "read_parquet"}
    if path.suffix.lower() not in readers:
        raise ValueError(f"{path}: expected a .csv or .parquet file")
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    connection.execute(
        f"create temp table input_rows as select *, row_number() over () as _row"
        f" from {readers[path.suffix.lower()]}(?)",
        [str(path)],
    )


def _require_columns(connection, names: list[str | None]) -> None:
    columns = {row[0] for row in connection.execute("describe input_rows").fetchall()}
    missing = [name for name in names if name and name not in columns]
    if missing:
        raise ValueError(
            f"column(s) {', '.join(missing)} not in the input; it has {', '.join(sorted(columns))}"
        )


def analyse_file(
    path: Path,
    chart: str,
    value: str,
    size: str | None = None,
    subgroup: str | None = None,
    baseline: int | None = None,
    baseline_from: str | None = None,
    baseline_to: str | None = None,
    rules: str = "we",
    exclude_beyond_limits: bool = False,
    **chart_options,
) -> pd.DataFrame:
    """One row per chart point with its limits and the rules that fired there.

    With `exclude_beyond_limits`, Phase I is iterated: baseline subgroups beyond the limits
    (on any part of the chart) leave the baseline and the limits are recomputed, until none
    is left (the same macro, `spc_revised_chart`, as the warehouse's SPC marts).
    """
    with duckdb.connect() as connection:
        _read_input(connection, Path(path))
        if chart in ATTRIBUTE_CHARTS and chart != "c" and not size:
            raise ValueError(f"a {chart} chart needs --size (units inspected per subgroup)")
        _require_columns(connection, [value, size, subgroup])
        label = f'cast("{subgroup}" as varchar)' if subgroup else "cast(_row as varchar)"
        baseline_sql, baseline_params = _baseline_condition(baseline, baseline_from, baseline_to)
        connection.execute(
            f"""
            create temp table engine_input as
            with labelled as (
                select {label} as subgroup, _row, cast("{value}" as double) as value,
                    {f'cast("{size}" as double)' if size else "1.0"} as size,
                from input_rows
            ),
            first_rows as (
                select *, min(_row) over (partition by subgroup) as first_row,
                from labelled
            ),
            ordered as (
                select *, dense_rank() over (order by first_row) as subgroup_order,
                from first_rows
            )
            select 'input' as series_id, 1 as stage, subgroup_order, subgroup, value, size,
                {baseline_sql} as in_baseline,
            from ordered
            """,
            baseline_params,
        )
        passes = MAX_EXCLUSION_PASSES if exclude_beyond_limits else 0
        points_sql = chart_sql("engine_input", chart, max_passes=passes, **chart_options)
        connection.execute(f"create temp table points as {points_sql}")
        return connection.execute(
            f"""
            with fired as (
                select series_id, stage, chart, subgroup_order,
                    string_agg(rule, ';' order by rule) as signals,
                from ({signals_sql("points", rules)})
                group by all
            )
            select points.chart, points.subgroup, points.n, points.value, points.center,
                points.lcl, points.ucl, points.in_baseline,
                coalesce(fired.signals, '') as signals,
            from points
            left join fired using (series_id, stage, chart, subgroup_order)
            order by points.chart, points.stage, points.subgroup_order
            """
        ).df()


def _baseline_condition(
    count: int | None, first: str | None, last: str | None
) -> tuple[str, list[str]]:
    """Which subgroups form the Phase I baseline (all of them unless told otherwise).

    Bounds compare as numbers when both sides are numbers, else as text (ISO dates sort).
    """
    if count is not None:
        return f"subgroup_order <= {int(count)}", []
    bounds, params = [], []
    for bound, operator in ((first, ">="), (last, "<=")):
        if bound is not None:
            bounds.append(
                f"coalesce(try_cast(subgroup as double) {operator} try_cast(? as double),"
                f" subgroup {operator} ?)"
            )
            params += [bound, bound]
    return (" and ".join(bounds) or "true"), params
