"""Run rules on hand-made sequences (centre 0, sigma 1, limits ±3): each rule fires exactly
where its pattern completes, and the false-alarm rate of rule 1 is the textbook 0.27 %."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from orchestration.spc import chart_sql, signals_sql


def signals(values: list[float], rules: str = "nelson", chart: str = "i") -> list[tuple]:
    with duckdb.connect() as connection:
        connection.execute(
            "create table points as select 's' as series_id, 1 as stage, ? as chart,"
            " unnest(range(1, ? + 1)) as subgroup_order, null::varchar as subgroup,"
            " unnest(?) as value, 0.0 as center, -3.0 as lcl, 3.0 as ucl, 1.0 as sigma",
            [chart, len(values), values],
        )
        return connection.execute(
            f"select rule, subgroup_order, points_involved from ({signals_sql('points', rules)})"
            " order by subgroup_order, rule"
        ).fetchall()


def test_rule_1_fires_on_a_point_beyond_the_limits():
    assert signals([0, 3.5, 0, -3.2]) == [("1", 2, [2]), ("1", 4, [4])]


def test_rule_2_needs_two_of_three_beyond_two_sigma_on_one_side():
    assert signals([2.5, 0, 2.5]) == [("2", 3, [1, 2, 3])]
    assert signals([2.5, 0, -2.5]) == []


def test_rule_3_needs_four_of_five_beyond_one_sigma_on_one_side():
    assert signals([1.5, 1.5, 0, 1.5, 1.5]) == [("3", 5, [1, 2, 3, 4, 5])]


def test_rule_4_fires_on_the_eighth_point_on_one_side():
    fired = signals([0.5] * 9, rules="we")
    assert fired == [("4", 8, list(range(1, 9))), ("4", 9, list(range(2, 10)))]


def test_rule_5_fires_on_six_points_steadily_rising():
    assert signals([-0.5, -0.4, -0.3, 0.1, 0.2, 0.25]) == [("5", 6, [1, 2, 3, 4, 5, 6])]


def test_rule_6_fires_on_fourteen_points_alternating():
    values = [0.5 if index % 2 else -0.5 for index in range(14)]
    assert [row[:2] for row in signals(values)] == [("6", 14)]
    assert signals(values[:13]) == []


def test_rule_7_fires_on_fifteen_points_hugging_the_centre():
    values = [0.1, -0.1, 0.2] * 5
    assert ("7", 15) in [row[:2] for row in signals(values)]


def test_rule_8_fires_on_eight_points_avoiding_the_centre():
    values = [1.5, -1.5] * 4
    assert ("8", 8) in [row[:2] for row in signals(values)]


def test_western_electric_set_stops_at_rule_4_and_none_is_silent():
    values = [-0.5, -0.4, -0.3, 0.1, 0.2, 0.25]
    assert signals(values, rules="we") == []
    assert signals([0, 5.0], rules="none") == []


def test_dispersion_charts_use_only_rule_1():
    assert signals([1.5] * 8, chart="r") == []


def test_in_control_false_alarm_rate_of_rule_1_is_close_to_0_27_percent():
    values = np.random.default_rng(20261124).normal(10, 2, 40_000)
    with duckdb.connect() as connection:
        connection.execute(
            "create table source as select 's' as series_id, 1 as stage,"
            " unnest(range(1, 40001)) as subgroup_order, null::varchar as subgroup,"
            " unnest(?) as value, 1.0 as size, true as in_baseline",
            [values.tolist()],
        )
        connection.execute(f"create table points as {chart_sql('source', 'imr')}")
        alarms = connection.execute(
            f"select count(*) from ({signals_sql('points', 'we')}) where rule = '1' and chart = 'i'"
        ).fetchall()[0][0]
    # Binomial sd at n = 40 000 is 0.026 %; allow about 3 sd around 0.27 %.
    assert alarms / len(values) == pytest.approx(0.0027, abs=0.0008)


def test_zone_rules_skip_rare_event_charts_whose_lcl_is_zero():
    with duckdb.connect() as connection:
        connection.execute(
            "create table points as select 's' as series_id, 1 as stage, 'p' as chart,"
            " unnest(range(1, 11)) as subgroup_order, null::varchar as subgroup,"
            " 0.0 as value, 0.02 as center, 0.0 as lcl, 0.1 as ucl, 0.03 as sigma"
        )
        fired = connection.execute(f"select * from ({signals_sql('points', 'we')})").fetchall()
    assert fired == []
