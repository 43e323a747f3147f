"""The scorecards' Hájek interval (macros/stats/comparisons.sql) rendered as dbt renders it
and run in DuckDB, against the centred formula computed here: its standard error is
√(n/(n − 1) · Σw²(y − m)²) / Σw with m = Σw·y / Σw, and the half-width t(n − 1)·SE
(scipy's t quantile). The marts aggregate sums (Σw²y², Σw²y, Σw²) instead, which leave
rounding noise where every score is equal: such a period must have no spread at all."""

from __future__ import annotations

import duckdb
import jinja2
import numpy as np
import pytest
from scipy import stats

from orchestration import settings

CONFIDENCE = 0.95


def stats_macros():
    """macros/stats as dbt renders them: `ref` names the table, `var` gives the level."""
    macros = settings.DBT_PROJECT_DIR / "macros" / "stats"
    source = (macros / "intervals.sql").read_text() + (macros / "comparisons.sql").read_text()
    context = {"ref": lambda name: name, "var": lambda name: {"confidence": CONFIDENCE}}
    return jinja2.Environment().from_string(source, globals=context).module


def engine_half_width(weights, scores) -> float | None:
    macros = stats_macros()
    with duckdb.connect() as connection:
        connection.execute(
            "create table student_t_quantiles"
            " (confidence double, degrees_of_freedom integer, quantile double)"
        )
        connection.executemany(
            "insert into student_t_quantiles values (?, ?, ?)",
            [(CONFIDENCE, None, stats.norm.ppf(0.975))]
            + [(CONFIDENCE, df, stats.t.ppf(0.975, df)) for df in range(1, 30)],
        )
        connection.execute("create table scored (weight double, score double)")
        connection.executemany(
            "insert into scored values (?, ?)", list(zip(weights, scores, strict=True))
        )
        [(value,)] = connection.execute(
            f"select {macros.hajek_half_width()}"
            f" from (select {macros.hajek_sums('weight', 'score')} from scored)"
        ).fetchall()
    return value


def reference_half_width(weights, scores) -> float:
    weights, scores = np.asarray(weights), np.asarray(scores)
    n, mean = len(scores), (weights * scores).sum() / weights.sum()
    error = np.sqrt(n / (n - 1) * ((weights * (scores - mean)) ** 2).sum()) / weights.sum()
    return stats.t.ppf(0.975, n - 1) * error


@pytest.mark.parametrize(
    ("weights", "scores"),
    [([1.0, 2.5, 4.0, 1.2], [80.0, 92.5, 61.25, 100.0]),
     ([3.7, 1.3, 2.9, 8.1, 0.6], [70.0, 71.0, 69.5, 70.0, 72.0])],
)  # fmt: skip
def test_the_half_width_is_the_centred_formula(weights, scores):
    assert engine_half_width(weights, scores) == pytest.approx(
        reference_half_width(weights, scores), rel=1e-9
    )


def test_equal_scores_have_no_spread():
    # 86.666…67 weighted unevenly: the sums' Σw²y² − 2m·Σw²y + m²·Σw² is 2.3e-10 in
    # floating point, not 0 (the centred form leaves 2e-14 of a half-width)
    weights, scores = [3.7, 1.3, 2.9, 8.1, 0.6, 5.3], [260 / 3] * 6
    assert reference_half_width(weights, scores) == pytest.approx(0, abs=1e-12)
    assert engine_half_width(weights, scores) == 0


def test_one_evaluation_has_no_interval():
    assert engine_half_width([2.0], [75.0]) is None
