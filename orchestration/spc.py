"""The SPC engine for analysts: renders the dbt SPC macros and runs them in DuckDB.

The statistics live only in `dbt_project/macros/spc/*.sql`; this module loads those same
macros with Jinja, so `qm spc` and the warehouse marts compute identical charts.
"""

from __future__ import annotations

from functools import cache

import duckdb
import jinja2
import pandas as pd

from orchestration import settings

CHARTS = ("p", "np", "c", "u", "xbar_r", "xbar_s", "imr", "ewma", "cusum")
ATTRIBUTE_CHARTS = ("p", "np", "c", "u")
RULE_SETS = ("we", "nelson", "none")


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


def chart_sql(source: str, chart: str, **parameters) -> str:
    """SQL of one chart over `source` (a relation with the engine's input columns)."""
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(CHARTS)}")
    module = _macros().make_module()
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
