"""A p-value for every recent window of int_spc_shift_windows (one row per series and window
length): how surprising the window's level is if the series were still at its baseline.

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

Subgroups also differ by more than those models say (a busy day, slow systems): the family's
between-subgroup variance (`between_variance`, int_spc_overdispersion) is added to the
variance of the difference. For means it widens the t test (with the fewer degrees of
freedom of the two estimates); for counts the exact tests run on effective counts, every
count divided by φ = (model variance + between variance) / model variance, so that φ = 1
leaves them exact. Every p-value is two-sided.
"""

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.spark.frames import local_relation


def two_sided(lower, upper):
    return np.minimum(1.0, 2.0 * np.minimum(lower, upper))


def column(frame, name):
    return frame[name].to_numpy(dtype=float)


def shift_p_values(frame):
    """Two-sided p-values, one per row (window) of int_spc_shift_windows."""
    family = frame["test_family"].to_numpy()
    units_w, units_b = column(frame, "window_units"), column(frame, "baseline_units")
    model_variance = column(frame, "unit_sigma") ** 2 * (1 / units_w + 1 / units_b)
    between = np.nan_to_num(column(frame, "between_variance"))
    with np.errstate(divide="ignore", invalid="ignore"):
        inflation = np.where(model_variance > 0, 1 + between / model_variance, 1.0)
    p_values = np.full(len(frame), np.nan)

    counts = family != "mean"
    if counts.any():
        phi = inflation[counts]
        count_w = np.rint(column(frame, "window_total")[counts] / phi).astype(np.int64)
        count_b = np.rint(column(frame, "baseline_count")[counts] / phi).astype(np.int64)
        effective_w = np.rint(units_w[counts] / phi).astype(np.int64)
        effective_b = np.rint(units_b[counts] / phi).astype(np.int64)
        proportion = family[counts] == "proportion"
        lower, upper = np.empty(len(phi)), np.empty(len(phi))
        total_units, total = effective_w + effective_b, count_w + count_b
        lower[proportion] = stats.hypergeom.cdf(
            count_w[proportion], total_units[proportion], total[proportion],
            effective_w[proportion],
        )  # fmt: skip
        upper[proportion] = stats.hypergeom.sf(
            count_w[proportion] - 1, total_units[proportion], total[proportion],
            effective_w[proportion],
        )  # fmt: skip
        share = effective_w / np.maximum(total_units, 1)
        lower[~proportion] = stats.binom.cdf(
            count_w[~proportion], total[~proportion], share[~proportion]
        )
        upper[~proportion] = stats.binom.sf(
            count_w[~proportion] - 1, total[~proportion], share[~proportion]
        )
        p_values[counts] = np.where(effective_w > 0, two_sided(lower, upper), np.nan)

    means = family == "mean"
    if means.any():
        difference = (column(frame, "window_value") - column(frame, "baseline_value"))[means]
        standard_error = np.sqrt(model_variance[means] + between[means])
        freedom = column(frame, "unit_sigma_degrees_of_freedom")[means]
        widened = between[means] > 0
        freedom = np.where(
            widened,
            np.fmin(freedom, column(frame, "between_variance_degrees_of_freedom")[means]),
            freedom,
        )
        valid = (model_variance[means] > 0) & (freedom > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            statistic = np.abs(difference / standard_error)
        p_values[means] = np.where(
            valid, 2 * stats.t.sf(statistic, np.where(valid, freedom, 1)), np.nan
        )

    return p_values


def model(dbt, session):
    dbt.config(materialized="table")
    frame = local_relation(dbt.ref("int_spc_shift_windows")).df()
    # typed explicitly: an empty warehouse still gets a varchar key and double p-values
    return pd.DataFrame(
        {
            "series_id": frame["series_id"].astype("string"),
            "window_subgroups": frame["window_subgroups"].astype("int64"),
            "p_value": pd.Series(shift_p_values(frame), dtype="float64"),
        }
    )
