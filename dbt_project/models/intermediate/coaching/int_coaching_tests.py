"""Is an agent's miss rate of a behaviour higher than the peers'? One-sided Fisher exact test
per agent × team × source × behaviour, with the false discovery rate controlled across the team.

The 2×2 table is (agent, peers) × (missed, done); the p-value is Fisher's exact one-sided
probability of an odds ratio at least this large (scipy.stats.fisher_exact, alternative
"greater"): exact at the small counts of one agent's evaluations. Rows with fewer than
var('coaching').min_observations observations of the agent, or no peer observation, are not
tested (null p). Within each team every tested row of every source and behaviour is one family:
Benjamini–Hochberg q-values (the step-up adjusted p-values, made monotone), and a row is
significant when q <= var('coaching').false_discovery_rate.
"""

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.spark.frames import local_relation


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH adjusted p-values (q-values) of one family, in the input order."""
    count = len(p_values)
    order = np.argsort(p_values)
    ranked = p_values[order] * count / np.arange(1, count + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    q_values = np.empty(count)
    q_values[order] = adjusted
    return q_values


def tested(frame: pd.DataFrame) -> pd.DataFrame:
    min_observations = frame["min_observations"].to_numpy(dtype=float)
    false_discovery_rate = frame["false_discovery_rate"].to_numpy(dtype=float)
    agent_units = frame["agent_units"].to_numpy(dtype=float)
    agent_misses = frame["agent_misses"].to_numpy(dtype=float)
    peer_units = frame["peer_units"].to_numpy(dtype=float)
    peer_misses = frame["peer_misses"].to_numpy(dtype=float)
    testable = (agent_units >= min_observations) & (peer_units >= 1)
    p_values = np.full(len(frame), np.nan)
    for row in np.flatnonzero(testable):
        table = [
            [agent_misses[row], agent_units[row] - agent_misses[row]],
            [peer_misses[row], peer_units[row] - peer_misses[row]],
        ]
        p_values[row] = stats.fisher_exact(table, alternative="greater").pvalue
    q_values = np.full(len(frame), np.nan)
    families = frame["team_id"].to_numpy()
    for team in np.unique(families[testable]):
        members = testable & (families == team)
        q_values[members] = benjamini_hochberg(p_values[members])
    return pd.DataFrame(
        {
            "agent_id": frame["agent_id"].astype("string"),
            "team_id": frame["team_id"].astype("string"),
            "source": frame["source"].astype("string"),
            "behaviour_id": frame["behaviour_id"].astype("string"),
            "p_value": pd.Series(p_values, dtype="float64"),
            "q_value": pd.Series(q_values, dtype="float64"),
            "is_tested": pd.Series(testable, dtype="bool"),
            "is_significant": pd.Series(
                testable & (np.nan_to_num(q_values, nan=1.0) <= false_discovery_rate), dtype="bool"
            ),
            "family_size": pd.Series(
                [int((testable & (families == team)).sum()) for team in families], dtype="int64"
            ),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    return tested(local_relation(dbt.ref("int_coaching_counts")).df())
