"""The multivariable estimate of every CSAT driver: how much the outcome moves with the driver
when the other drivers of the same source, the channel and the contact reason are held equal.

For each outcome (csat, 1-5; customer_reported_resolved, 0/1) and source (machine, human,
transcript) of int_csat_driver_observations, one ordinary least squares regression on the
contacts that gave the outcome:

    y = b0 + Σ_d b_d·x_d + Σ_d c_d·na_d + Σ channel dummies + Σ contact-reason dummies + e

x_d is 1 when driver d is met and 0 when it is not met or does not apply; na_d is 1 when it
does not apply (a question answered N/A, dead air off voice), so that b_d compares met with
not met among the contacts where d applies. Channel and contact reason enter as dummies, the
first level (alphabetical) as reference. For the resolution outcome this is a linear
probability model: b_d is a difference in the probability of a "resolved" answer.

Columns the data cannot estimate are dropped, in this order, and said so (estimate_note,
dropped_columns): a driver met on every contact where it applies, or on none, or applying
nowhere; then every column that is an exact linear combination of the columns before it, in
the order intercept, channel, contact reason, not-applicable indicators (one for every driver
that sometimes does not apply, kept even when the driver itself is dropped), then the drivers:
questions, friction flags, sentiment measures, each in id order (e.g. the N/A of
recording_disclosure is exactly "not voice"). No regression below
var('customer').drivers_min_contacts contacts, or with no residual degrees of freedom.

Standard errors are heteroscedasticity-robust (HC1, MacKinnon & White 1985):
    V = n / (n − k) · (X'X)⁻¹ X' diag(e²) X (X'X)⁻¹
(an outcome on 1-5 or 0/1 cannot have constant variance), the interval is
b ± t(1 − (1 − c)/2, n − k)·√V_dd at the configured confidence c and the p-value two-sided
from the same t, as statsmodels' OLS(...).fit(cov_type='HC1', use_t=True).
"""

import numpy as np
import pandas as pd
from scipy import stats

OUTCOMES = ("csat", "customer_reported_resolved")
KIND_ORDER = {"question": 0, "friction": 1, "sentiment": 2}


def independent_columns(design: np.ndarray) -> list[int]:
    """The columns kept when each is added in order and kept only if it raises the rank."""
    kept: list[int] = []
    for index in range(design.shape[1]):
        candidate = design[:, [*kept, index]]
        if np.linalg.matrix_rank(candidate) == len(kept) + 1:
            kept.append(index)
    return kept


def combination(design: np.ndarray, kept: list[int], index: int, names: list[str]) -> str:
    """The kept columns (besides the intercept) that column `index` is a combination of."""
    earlier = [column for column in kept if column < index]
    weights = np.linalg.lstsq(design[:, earlier], design[:, index], rcond=None)[0]
    used = [names[column] for column, weight in zip(earlier, weights, strict=True)
            if abs(weight) > 1e-8 and names[column] != "intercept"]  # fmt: skip
    return ", ".join(used) if used else "the intercept (constant)"


def hc1_fit(design: np.ndarray, outcome: np.ndarray, confidence: float) -> dict:
    """OLS coefficients with HC1 standard errors, t intervals and two-sided p-values."""
    observations, columns = design.shape
    bread = np.linalg.inv(design.T @ design)
    coefficients = bread @ design.T @ outcome
    residuals = outcome - design @ coefficients
    meat = (design * residuals[:, None] ** 2).T @ design
    covariance = observations / (observations - columns) * bread @ meat @ bread
    errors = np.sqrt(np.diag(covariance))
    freedom = observations - columns
    quantile = stats.t.ppf(1 - (1 - confidence) / 2, freedom)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_values = 2 * stats.t.sf(np.abs(coefficients / errors), freedom)
    return {
        "effect": coefficients,
        "lower": coefficients - quantile * errors,
        "upper": coefficients + quantile * errors,
        "p_value": p_values,
    }


def estimate_group(frame: pd.DataFrame, outcome: str, confidence: float, minimum: int) -> list:
    """One row per driver of one source: its adjusted effect on `outcome`, or why none."""
    # every driver of the source gets a row, also when no contact gave this outcome
    # questions, then friction flags, then sentiment measures: a later driver that is an
    # exact combination of earlier ones is the one dropped
    kinds = frame.drop_duplicates("driver_id").set_index("driver_id")["driver_kind"]
    drivers = sorted(kinds.index, key=lambda driver: (KIND_ORDER[kinds[driver]], driver))
    frame = frame[frame[outcome].notna()]
    contacts = frame.drop_duplicates("interaction_id").set_index("interaction_id").sort_index()
    met = frame.pivot(index="interaction_id", columns="driver_id", values="is_met")
    met = met.reindex(index=contacts.index, columns=drivers)
    observations = len(contacts)
    notes = dict.fromkeys(drivers)
    columns: dict[str, np.ndarray] = {"intercept": np.ones(observations)}
    dropped: list[str] = []
    for covariate in ("channel", "contact_reason"):
        levels = sorted(contacts[covariate].unique())
        for level in levels[1:]:
            columns[f"{covariate}={level}"] = (contacts[covariate] == level).to_numpy(float)
    applies = met.notna()
    for driver in drivers:
        values = met.loc[applies[driver], driver].astype(bool)
        if values.empty:
            notes[driver] = "it applies to none of these contacts"
        elif values.all():
            notes[driver] = "it is met on every contact where it applies"
        elif not values.any():
            notes[driver] = "it is met on no contact where it applies"
        not_applicable = (~applies[driver]).to_numpy(float)
        if 0 < not_applicable.sum() < observations:
            columns[f"not_applicable:{driver}"] = not_applicable
    for driver in drivers:
        if notes[driver] is None:
            columns[driver] = met[driver].fillna(False).astype(bool).to_numpy(float)
        else:
            dropped.append(driver)

    estimates = {}
    if observations < max(minimum, 1):
        reason = f"not enough data: {observations} contacts, fewer than {minimum}"
        notes = {driver: reason for driver in drivers}
    else:
        names = list(columns)
        design = np.column_stack([columns[name] for name in names])
        kept = independent_columns(design)
        for index, name in enumerate(names):
            if index not in kept:
                dropped.append(name)
                if name in notes:
                    notes[name] = "it is an exact combination of " + combination(
                        design, kept, index, names
                    )
        names = [names[index] for index in kept]
        if observations - len(names) < 1:
            reason = f"{observations} contacts leave no degrees of freedom for {len(names)} terms"
            notes = {driver: notes[driver] or reason for driver in drivers}
        else:
            fit = hc1_fit(design[:, kept], contacts[outcome].to_numpy(float), confidence)
            for position, name in enumerate(names):
                if name in notes:
                    estimates[name] = {key: values[position] for key, values in fit.items()}
    return [
        {
            "outcome": outcome,
            "driver_id": driver,
            "adjusted_effect": estimates.get(driver, {}).get("effect", np.nan),
            "adjusted_lower": estimates.get(driver, {}).get("lower", np.nan),
            "adjusted_upper": estimates.get(driver, {}).get("upper", np.nan),
            "adjusted_p_value": estimates.get(driver, {}).get("p_value", np.nan),
            "observations_in_model": observations,
            "estimate_note": None if driver in estimates else notes[driver],
            "dropped_columns": ", ".join(dropped) or None,
        }
        for driver in drivers
    ]


def driver_estimates(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome × source × driver of int_csat_driver_observations."""
    rows = []
    if len(frame):
        confidence = float(frame["confidence_level"].iloc[0])
        minimum = int(frame["min_contacts"].iloc[0])
        for source, group in frame.groupby("source", sort=True):
            for outcome in OUTCOMES:
                for row in estimate_group(group, outcome, confidence, minimum):
                    rows.append({"source": source, **row})
    result = pd.DataFrame(
        rows,
        columns=[
            "outcome", "source", "driver_id", "adjusted_effect", "adjusted_lower",
            "adjusted_upper", "adjusted_p_value", "observations_in_model", "estimate_note",
            "dropped_columns",
        ],
    )  # fmt: skip
    # typed explicitly: an empty warehouse still gets varchar keys and double estimates
    return result.astype(
        {
            "outcome": "string",
            "source": "string",
            "driver_id": "string",
            "adjusted_effect": "float64",
            "adjusted_lower": "float64",
            "adjusted_upper": "float64",
            "adjusted_p_value": "float64",
            "observations_in_model": "int64",
            "estimate_note": "string",
            "dropped_columns": "string",
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    return driver_estimates(dbt.ref("int_csat_driver_observations").df())
