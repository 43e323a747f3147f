"""The Bonferroni-adjusted Student t quantile of every evaluator's calibration interval.

With m evaluators tested together at confidence c, each evaluator's interval is taken at the
two-sided level 1 − (1 − c) / m, so that the chance of flagging any evaluator whose true mean
deviation is 0 stays under 1 − c (Bonferroni). The quantile is t(1 − (1 − c) / 2m, n − 1) for
an evaluator with n calibration contacts. DuckDB has no inverse t distribution and the
student_t_quantiles seed holds only the standard levels (0.80, 0.90, 0.95, 0.99), while this
level depends on m, so scipy computes it here. Null below two contacts.
"""

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.spark.frames import local_relation


def adjusted_quantiles(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per form × evaluator: the adjusted level and its two-sided t quantile."""
    confidence = frame["confidence_level"].to_numpy(dtype=float)
    compared = frame["evaluators_compared"].to_numpy(dtype=float)
    contacts = frame["calibration_contacts_count"].to_numpy(dtype=float)
    valid = (contacts >= 2) & (compared >= 1)
    level = np.where(valid, 1 - (1 - confidence) / np.where(valid, compared, 1), np.nan)
    quantile = np.where(
        valid,
        stats.t.ppf(1 - (1 - level) / 2, np.where(valid, contacts - 1, 1)),
        np.nan,
    )
    return pd.DataFrame(
        {
            "form_id": frame["form_id"].astype("string"),
            "evaluator_id": frame["evaluator_id"].astype("string"),
            "adjusted_confidence_level": pd.Series(level, dtype="float64"),
            "adjusted_quantile": pd.Series(quantile, dtype="float64"),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    return adjusted_quantiles(local_relation(dbt.ref("int_calibration_evaluator_deviations")).df())
