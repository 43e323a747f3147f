"""A p-value for every recent window of int_spc_shift_windows: how surprising its level is
if the series were still at its baseline.

The window is compared with the current stage's Phase I baseline, so the uncertainty of the
baseline counts as well as the window's (a two-sample test, not a test against a known
centre):

- proportions (p charts): Fisher's exact test, as the hypergeometric tail of the window's
  count given the total of window and baseline;
- rates (u charts): the exact conditional test of two Poisson rates, the window's count
  given the total being binomial with the window's share of the units;
- means (X̄ charts): a t test of the window mean against the baseline mean, with the
  standard deviation of the baseline's observations (never below that of all the metric's
  observations) and their degrees of freedom.

When the series' family is overdispersed (its pooled σ_z clearly above 1,
int_spc_overdispersion), subgroups differ more than those models say: the test is then the
normal-theory statistic with its standard error multiplied by σ_z, against Student's t with
the fewer of σ_z's degrees of freedom (about 0.62 per moving range) and the spread's, so an
uncertain σ_z is not taken at face value. Every p-value is two-sided.
"""

import numpy as np
from scipy import stats


def two_sided(lower, upper):
    return np.minimum(1.0, 2.0 * np.minimum(lower, upper))


def shift_p_values(frame):
    """Two-sided p-values, one per row (window) of int_spc_shift_windows."""
    family = frame["test_family"].to_numpy()
    overdispersed = frame["is_overdispersed"].fillna(False).to_numpy(dtype=bool)
    units_w = frame["window_units"].to_numpy(dtype=float)
    units_b = frame["baseline_units"].to_numpy(dtype=float)
    count_w = np.rint(frame["window_total"].to_numpy(dtype=float))
    count_b = frame["baseline_count"].to_numpy(dtype=float)
    p_values = np.full(len(frame), np.nan)

    exact_proportion = (family == "proportion") & ~overdispersed
    if exact_proportion.any():
        m = exact_proportion
        population = (units_w + units_b)[m].astype(np.int64)
        successes = (count_w + count_b)[m].astype(np.int64)
        draws = units_w[m].astype(np.int64)
        observed = count_w[m].astype(np.int64)
        lower = stats.hypergeom.cdf(observed, population, successes, draws)
        upper = stats.hypergeom.sf(observed - 1, population, successes, draws)
        p_values[m] = two_sided(lower, upper)

    exact_rate = (family == "rate") & ~overdispersed
    if exact_rate.any():
        m = exact_rate
        total = (count_w + count_b)[m].astype(np.int64)
        share = units_w[m] / (units_w[m] + units_b[m])
        observed = count_w[m].astype(np.int64)
        lower = stats.binom.cdf(observed, total, share)
        upper = stats.binom.sf(observed - 1, total, share)
        p_values[m] = two_sided(lower, upper)

    normal_theory = (family == "mean") | overdispersed
    if normal_theory.any():
        m = normal_theory
        difference = (frame["window_value"] - frame["baseline_value"]).to_numpy(dtype=float)[m]
        standard_error = frame["unit_sigma"].to_numpy(dtype=float)[m] * np.sqrt(
            1 / units_w[m] + 1 / units_b[m]
        )
        sigma_z = frame["sigma_z"].to_numpy(dtype=float)[m]
        widened = overdispersed[m]
        standard_error = np.where(widened, standard_error * sigma_z, standard_error)
        spread_freedom = frame["unit_sigma_degrees_of_freedom"].to_numpy(dtype=float)[m]
        sigma_z_freedom = frame["sigma_z_degrees_of_freedom"].to_numpy(dtype=float)[m]
        # counts have no estimated spread: the binomial / Poisson one is known
        spread_freedom = np.where(np.isnan(spread_freedom), np.inf, spread_freedom)
        freedom = np.where(widened, np.fmin(spread_freedom, sigma_z_freedom), spread_freedom)
        with np.errstate(divide="ignore", invalid="ignore"):
            statistic = difference / standard_error
        valid = (standard_error > 0) & (freedom > 0)
        tested = np.where(
            valid, 2 * stats.t.sf(np.abs(statistic), np.where(valid, freedom, 1)), np.nan
        )
        p_values[m] = tested

    return p_values


def model(dbt, session):
    dbt.config(materialized="table")
    frame = dbt.ref("int_spc_shift_windows").df()
    frame["p_value"] = shift_p_values(frame)
    return frame
