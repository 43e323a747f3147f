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
recording_disclosure is exactly "not voice"); a column is such a combination when it does
not raise numpy's matrix_rank (default tolerance) of the columns kept before it. No
regression below var('customer').drivers_min_contacts contacts, or with no residual degrees
of freedom.

Standard errors are heteroscedasticity-robust (HC1, MacKinnon & White 1985):
    V = n / (n − k) · (X'X)⁻¹ X' diag(e²) X (X'X)⁻¹
(an outcome on 1-5 or 0/1 cannot have constant variance), the interval is
b ± t(1 − (1 − c)/2, n − k)·√V_dd at the configured confidence c and the p-value two-sided
from the same t, as statsmodels' OLS(...).fit(cov_type='HC1', use_t=True).
"""

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.spark.frames import local_relation

OUTCOMES = ("csat", "customer_reported_resolved")
KIND_ORDER = {"question": 0, "friction": 1, "sentiment": 2}
KEYS = ("interaction_id", "driver_id", "driver_kind")
CODED = (*KEYS, "channel", "contact_reason", "source")
EPSILON = np.finfo(float).eps


def first_rows(codes: np.ndarray, size: int) -> np.ndarray:
    """The position of the first row of each code 0 … size − 1 (len(codes) where none)."""
    first = np.full(size, len(codes))
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def rank(matrix: np.ndarray, rows: int) -> int:
    """numpy's matrix_rank of a `rows`-row matrix, from any matrix with its singular values:
    the singular values above S.max() · max(rows, columns) · eps."""
    singular = np.linalg.svd(matrix, compute_uv=False)
    tolerance = singular.max(initial=0.0) * max(rows, matrix.shape[1]) * EPSILON
    return int(np.count_nonzero(singular > tolerance))


def triangular_factor(design: np.ndarray) -> np.ndarray:
    """R of design = QR. Q's columns are orthonormal, so R[:, S] has the singular values of
    design[:, S] for every set of columns S: a rank decision on a k-row matrix instead of an
    n-row one. A 0/1 design is factored through its distinct rows, each times the square root
    of how often it occurs: the same R'R = X'X from far fewer rows."""
    if ((design == 0) | (design == 1)).all():
        pattern = np.zeros(len(design), dtype=np.int64)
        for byte in np.packbits(design.astype(bool), axis=1).T:
            pattern, distinct = pd.factorize(pattern * 256 + byte)
        first = first_rows(pattern, len(distinct))
        design = np.sqrt(np.bincount(pattern))[:, None] * design[first]
    return np.linalg.qr(design, mode="r")


def independent_columns(factor: np.ndarray, rows: int) -> list[int]:
    """The columns kept when each is added in order and kept only if it raises the rank of
    the design's kept columns (numpy's matrix_rank of design[:, [*kept, index]]). `factor` is
    the design itself or its triangular_factor; `rows` is the design's number of rows."""
    kept: list[int] = []
    for index in range(factor.shape[1]):
        if rank(factor[:, [*kept, index]], rows) == len(kept) + 1:
            kept.append(index)
    return kept


def combination(
    factor: np.ndarray, rows: int, kept: list[int], index: int, names: list[str]
) -> str:
    """The kept columns (besides the intercept) that column `index` is a combination of.
    The least-squares weights on the factor are those on the design (same singular values;
    lstsq's default cutoff eps · max(rows, columns) of the design)."""
    earlier = [column for column in kept if column < index]
    cutoff = EPSILON * max(rows, len(earlier))
    weights = np.linalg.lstsq(factor[:, earlier], factor[:, index], rcond=cutoff)[0]
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


def encode(observations) -> tuple[dict[str, np.ndarray], dict[str, pd.Index]]:
    """The columns the regressions read, from a DuckDB relation of the observations, as
    NumPy arrays: the text ones as codes into their sorted distinct values (so contacts in
    code order are in id order, levels in code order alphabetical; -1 for none), and those
    values. DuckDB computes the codes: no text becomes a Python string but the distinct
    values (every row's text moved into pandas took most of the model's time and memory)."""
    levels = {
        column: f"select {column} as value, cast(row_number() over (order by {column}) - 1"
        f" as integer) as code from (select distinct {column} from observations"
        f" where {column} is not null)"
        for column in CODED
    }
    labels = {
        column: pd.Index(
            [value for value, _ in observations.query("observations", f"{query} order by code").fetchall()],
            dtype=object,
        )
        for column, query in levels.items()
    }  # fmt: skip
    # 1 met, 0 not met, -1 does not apply
    selected = [
        *(f"coalesce({column}_levels.code, -1) as {column}" for column in CODED),
        "cast(case when is_met then 1 when not is_met then 0 else -1 end as tinyint) as is_met",
        *(f"coalesce(cast({outcome} as double), 'nan') as {outcome}" for outcome in OUTCOMES),
    ]
    joins = " ".join(
        f"left join ({query}) as {column}_levels on observations.{column} = {column}_levels.value"
        for column, query in levels.items()
    )
    arrays = observations.query(
        "observations", f"select {', '.join(selected)} from observations {joins}"
    ).fetchnumpy()
    arrays = {column: np.asarray(values) for column, values in arrays.items()}
    for column in KEYS:
        if (arrays[column] < 0).any():
            raise ValueError(
                f"int_csat_driver_observations: {(arrays[column] < 0).sum()} rows have no "
                f"{column}; every row needs one"
            )
    return arrays, labels


def estimate_group(
    group: dict[str, np.ndarray],
    labels: dict[str, pd.Index],
    outcome: str,
    confidence: float,
    minimum: int,
) -> list:
    """One row per driver of one source (the encode()d rows of the source): its adjusted
    effect on `outcome`, or why none."""
    # every driver of the source gets a row, also when no contact gave this outcome
    # questions, then friction flags, then sentiment measures: a later driver that is an
    # exact combination of earlier ones is the one dropped
    first = first_rows(group["driver_id"], len(labels["driver_id"]))
    present = np.flatnonzero(first < len(group["driver_id"]))
    kinds = labels["driver_kind"][group["driver_kind"][first[present]]]
    order = sorted(range(len(present)), key=lambda at: (KIND_ORDER[kinds[at]], present[at]))
    driver_codes = present[order]
    drivers = list(labels["driver_id"][driver_codes])
    given = ~np.isnan(group[outcome])
    # contacts that gave the outcome in id order, each described by its first row
    row_contact = group["interaction_id"][given]
    first = first_rows(row_contact, len(labels["interaction_id"]))
    has_rows = first < len(row_contact)
    contact_codes = np.flatnonzero(has_rows)
    first = first[contact_codes]
    contact_of_row = (np.cumsum(has_rows) - 1)[row_contact]
    observations = len(contact_codes)
    # met[contact, driver]: 1 met, 0 not met, -1 does not apply (no row, or is_met null)
    column_of_driver = np.zeros(len(labels["driver_id"]), dtype=np.intp)
    column_of_driver[driver_codes] = np.arange(len(drivers))
    driver_of_row = column_of_driver[group["driver_id"][given]]
    cells = contact_of_row * len(drivers) + driver_of_row
    if len(cells) and np.bincount(cells).max() > 1:
        raise ValueError(
            "int_csat_driver_observations: a contact has two rows for one driver of a "
            "source; the rule is one row per interaction_id × source × driver_id"
        )
    met = np.full((observations, len(drivers)), -1, dtype=np.int8)
    met[contact_of_row, driver_of_row] = group["is_met"][given]
    notes = dict.fromkeys(drivers)
    columns: dict[str, np.ndarray] = {"intercept": np.ones(observations)}
    dropped: list[str] = []
    for covariate in ("channel", "contact_reason"):
        codes = group[covariate][given][first]
        if (codes < 0).any():
            raise ValueError(
                f"int_csat_driver_observations: a contact has no {covariate}; the "
                "regression needs one on every contact that gave an outcome"
            )
        for level in np.unique(codes)[1:]:
            name = f"{covariate}={labels[covariate][level]}"
            columns[name] = (codes == level).astype(float)
    applies = met >= 0
    for position, driver in enumerate(drivers):
        values = met[applies[:, position], position]
        if values.size == 0:
            notes[driver] = "it applies to none of these contacts"
        elif values.all():
            notes[driver] = "it is met on every contact where it applies"
        elif not values.any():
            notes[driver] = "it is met on no contact where it applies"
        not_applicable = (~applies[:, position]).astype(float)
        if 0 < not_applicable.sum() < observations:
            columns[f"not_applicable:{driver}"] = not_applicable
    for position, driver in enumerate(drivers):
        if notes[driver] is None:
            columns[driver] = (met[:, position] == 1).astype(float)
        else:
            dropped.append(driver)

    estimates = {}
    if observations < max(minimum, 1):
        reason = f"not enough data: {observations} contacts, fewer than {minimum}"
        notes = {driver: reason for driver in drivers}
    else:
        names = list(columns)
        design = np.column_stack([columns[name] for name in names])
        factor = triangular_factor(design)
        kept = independent_columns(factor, observations)
        for index, name in enumerate(names):
            if index not in kept:
                dropped.append(name)
                if name in notes:
                    notes[name] = "it is an exact combination of " + combination(
                        factor, observations, kept, index, names
                    )
        names = [names[index] for index in kept]
        if observations - len(names) < 1:
            reason = f"{observations} contacts leave no degrees of freedom for {len(names)} terms"
            notes = {driver: notes[driver] or reason for driver in drivers}
        else:
            contacts_outcome = group[outcome][given][first]
            fit = hc1_fit(design[:, kept], contacts_outcome, confidence)
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


def driver_estimates(observations) -> pd.DataFrame:
    """One row per outcome × source × driver of int_csat_driver_observations (a DuckDB
    relation)."""
    rows = []
    [(confidence, minimum, count)] = observations.query(
        "observations",
        "select any_value(confidence_level), any_value(min_contacts), count(*) from observations",
    ).fetchall()
    if count:
        confidence, minimum = float(confidence), int(minimum)
        arrays, labels = encode(observations)
        source_of_row = arrays.pop("source")
        for code, source in enumerate(labels["source"]):
            members = source_of_row == code
            group = {column: values[members] for column, values in arrays.items()}
            for outcome in OUTCOMES:
                for row in estimate_group(group, labels, outcome, confidence, minimum):
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
    return driver_estimates(local_relation(dbt.ref("int_csat_driver_observations")))
