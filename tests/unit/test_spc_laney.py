"""Laney p′ and u′ charts, checked against the formulas computed here by hand (numpy), and
their behaviour on overdispersed data: near-nominal false alarms, special causes found."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from orchestration.spc import run_chart


def engine_points(counts, sizes, chart: str, baseline: int):
    with duckdb.connect() as connection:
        connection.execute(
            "create table source as select 's' as series_id, 1 as stage,"
            " unnest(range(1, ? + 1)) as subgroup_order, null::varchar as subgroup,"
            " unnest(?) as value, unnest(?) as size,"
            " unnest(range(1, ? + 1)) <= ? as in_baseline",
            [len(counts), list(map(float, counts)), list(map(float, sizes)), len(counts), baseline],
        )
        points = run_chart(connection, "source", chart)
    beyond = points[(points["value"] > points["ucl"]) | (points["value"] < points["lcl"])]
    return points, set(beyond["subgroup_order"])


def hand_laney(counts, sizes, baseline: int, rate_kind: str):
    counts, sizes = np.asarray(counts, float), np.asarray(sizes, float)
    values = counts / sizes
    centre = counts[:baseline].sum() / sizes[:baseline].sum()
    if rate_kind == "p":
        sigma = np.sqrt(centre * (1 - centre) / sizes)
    else:
        sigma = np.sqrt(centre / sizes)
    z = (values - centre) / sigma
    sigma_z = np.abs(np.diff(z[:baseline])).mean() / 1.128
    return centre, np.maximum(centre - 3 * sigma * sigma_z, 0), centre + 3 * sigma * sigma_z


@pytest.mark.parametrize("chart, kind", [("laney_p", "p"), ("laney_u", "u")])
def test_laney_limits_follow_the_formulas(chart, kind):
    rng = np.random.default_rng(7)
    sizes = rng.integers(400, 1600, 30)
    day_rate = np.clip(rng.normal(0.08, 0.015, 30), 0.01, None)
    counts = rng.binomial(sizes, day_rate) if kind == "p" else rng.poisson(sizes * day_rate)
    points, _ = engine_points(counts, sizes, chart, baseline=20)
    centre, lcl, ucl = hand_laney(counts, sizes, 20, kind)
    assert points["center"].to_numpy() == pytest.approx(np.full(30, centre), abs=1e-12)
    assert points["lcl"].to_numpy() == pytest.approx(lcl, abs=1e-12)
    assert points["ucl"].to_numpy() == pytest.approx(ucl, abs=1e-12)


def overdispersed_days(days: int, shift_from: int | None = None):
    rng = np.random.default_rng(2026)
    sizes = rng.integers(1500, 2500, days)
    day_rate = np.clip(rng.normal(0.10, 0.012, days), 0.01, 0.99)
    if shift_from is not None:
        day_rate[shift_from:] += 0.06
    return rng.binomial(sizes, day_rate), sizes


def test_laney_keeps_false_alarms_near_nominal_where_the_p_chart_does_not():
    counts, sizes = overdispersed_days(3000)
    _, plain = engine_points(counts, sizes, "p", baseline=3000)
    _, laney = engine_points(counts, sizes, "laney_p", baseline=3000)
    assert len(plain) / 3000 > 0.03  # the textbook chart alarms on ordinary days
    assert len(laney) / 3000 == pytest.approx(0.0027, abs=0.002)


def test_laney_still_finds_a_real_shift():
    counts, sizes = overdispersed_days(60, shift_from=40)
    _, laney = engine_points(counts, sizes, "laney_p", baseline=30)
    assert min(laney) in (41, 42, 43)
