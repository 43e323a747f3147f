"""The attention test's p-values (dbt Python model int_spc_shift_tests) against reference
implementations: hand-computed hypergeometric tails, statsmodels' exact test of two Poisson
rates, and the t distribution for means."""

from __future__ import annotations

import importlib.util
from math import comb, sqrt

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import rates

from orchestration import settings

MODEL = settings.DBT_PROJECT_DIR / "models" / "intermediate" / "int_spc_shift_tests.py"


@pytest.fixture(scope="module")
def shift_p_values():
    spec = importlib.util.spec_from_file_location("int_spc_shift_tests", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.shift_p_values


def window(**values) -> dict:
    row = {
        "test_family": "proportion", "window_units": 10.0, "window_total": 0.0,
        "window_value": 0.0, "baseline_units": 100.0, "baseline_count": 0.0,
        "baseline_value": 0.0, "unit_sigma": 1.0, "unit_sigma_degrees_of_freedom": np.nan,
        "between_variance": 0.0, "between_variance_degrees_of_freedom": 50.0,
    }  # fmt: skip
    row.update(values)
    return row


def p_values(shift_p_values, *rows) -> np.ndarray:
    return shift_p_values(pd.DataFrame(list(rows)))


def test_proportions_use_fishers_exact_test(shift_p_values):
    # 4 failures in 10 in the window, 2 in 40 in the baseline: 6 failures among 50 units.
    # P(X >= 4) for the window's share of them, by hand:
    upper = sum(comb(6, k) * comb(44, 10 - k) for k in range(4, 7)) / comb(50, 10)
    [p] = p_values(
        shift_p_values,
        window(window_units=10.0, window_total=4.0, baseline_units=40.0, baseline_count=2.0),
    )
    assert p == pytest.approx(2 * upper, rel=1e-12)
    _, one_sided = stats.fisher_exact([[4, 6], [2, 38]], alternative="greater")
    assert p == pytest.approx(2 * one_sided, rel=1e-9)


def test_a_drop_is_tested_on_the_lower_tail(shift_p_values):
    lower = sum(comb(30, k) * comb(70, 20 - k) for k in range(0, 2)) / comb(100, 20)
    [p] = p_values(
        shift_p_values,
        window(window_units=20.0, window_total=1.0, baseline_units=80.0, baseline_count=29.0),
    )
    assert p == pytest.approx(2 * lower, rel=1e-12)


def test_rates_use_the_exact_conditional_test_of_two_poisson_rates(shift_p_values):
    [p] = p_values(
        shift_p_values,
        window(test_family="rate", window_units=25.0, window_total=30.0,
               baseline_units=100.0, baseline_count=60.0),
    )  # fmt: skip
    reference = rates.test_poisson_2indep(
        30, 25, 60, 100, method="exact-cond", alternative="larger"
    )
    assert p == pytest.approx(2 * reference.pvalue, rel=1e-9)


def test_means_use_a_t_test_with_the_baselines_spread(shift_p_values):
    [p] = p_values(
        shift_p_values,
        window(test_family="mean", window_units=12.0, window_value=78.0, baseline_units=60.0,
               baseline_value=86.0, unit_sigma=15.0, unit_sigma_degrees_of_freedom=59.0),
    )  # fmt: skip
    statistic = (78.0 - 86.0) / (15.0 * sqrt(1 / 12 + 1 / 60))
    assert p == pytest.approx(2 * stats.t.sf(abs(statistic), 59), rel=1e-12)


def test_everyday_variation_makes_counts_effective_counts(shift_p_values):
    # 80 of 1000 against 240 of 4000, with a between-day variance that doubles the
    # binomial one: Fisher's test on every count halved.
    binomial = 0.06 * 0.94 * (1 / 1000 + 1 / 4000)
    plain, widened = p_values(
        shift_p_values,
        window(window_units=1000.0, window_total=80.0, baseline_units=4000.0,
               baseline_count=240.0, unit_sigma=sqrt(0.06 * 0.94)),
        window(window_units=1000.0, window_total=80.0, baseline_units=4000.0,
               baseline_count=240.0, unit_sigma=sqrt(0.06 * 0.94), between_variance=binomial),
    )  # fmt: skip
    _, one_sided = stats.fisher_exact([[40, 460], [120, 1880]], alternative="greater")
    assert widened == pytest.approx(2 * one_sided, rel=1e-9)
    assert widened > 4 * plain


def test_everyday_variation_widens_a_mean_and_costs_degrees_of_freedom(shift_p_values):
    [p] = p_values(
        shift_p_values,
        window(test_family="mean", window_units=1000.0, window_value=560.0,
               baseline_units=6000.0, baseline_value=510.0, unit_sigma=330.0,
               unit_sigma_degrees_of_freedom=5999.0, between_variance=190.0,
               between_variance_degrees_of_freedom=40.0),
    )  # fmt: skip
    statistic = 50.0 / sqrt(330.0**2 * (1 / 1000 + 1 / 6000) + 190.0)
    assert p == pytest.approx(2 * stats.t.sf(statistic, 40), rel=1e-12)


def test_a_mean_without_spread_is_not_tested(shift_p_values):
    [p] = p_values(
        shift_p_values,
        window(test_family="mean", window_value=70.0, baseline_value=100.0, unit_sigma=0.0,
               unit_sigma_degrees_of_freedom=3.0),
    )  # fmt: skip
    assert np.isnan(p)


def test_p_values_are_uniform_when_nothing_changed(shift_p_values):
    # Binomial windows and baselines from one rate: the discrete Fisher test may be
    # conservative but never rejects more often than its level.
    rng = np.random.default_rng(3)
    units_w, units_b = rng.integers(5, 200, 4000), rng.integers(50, 800, 4000)
    rows = [
        window(window_units=float(w), window_total=float(rng.binomial(w, 0.07)),
               baseline_units=float(b), baseline_count=float(rng.binomial(b, 0.07)))
        for w, b in zip(units_w, units_b, strict=True)
    ]  # fmt: skip
    p = p_values(shift_p_values, *rows)
    for level in (0.01, 0.05, 0.2):
        assert (p <= level).mean() <= level * 1.1
