"""The one place dashboards read the warehouse: read-only, short-lived connections.

Results are cached by query, parameters and the published file's modification time, so a
newly published warehouse is picked up at once and connections are never cached.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[1]
WEEKLY_COLUMNS = """
    week_start, iso_year, iso_week, site, team_id, team_name, channel,
    interactions_count, abandoned_count, abandonment_rate, handled_count, handle_seconds_avg,
    evaluations_count, qa_score_avg, critical_fail_count, critical_fail_rate,
    csat_responses, csat_avg, csat_satisfied_rate,
    qa_score_target, critical_fail_rate_target, csat_satisfied_rate_target,
    handle_seconds_target, abandonment_rate_target, is_complete_week
"""


class WarehouseMissing(RuntimeError):
    """No published warehouse yet."""


def warehouse_path() -> Path:
    configured = os.environ.get("QM_WAREHOUSE")
    return Path(configured) if configured else REPO_ROOT / "data" / "warehouse" / "qm.duckdb"


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(sql: str, params: tuple, path: str, modified_ns: int) -> pd.DataFrame:
    del modified_ns  # part of the cache key only
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(params)).df()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = warehouse_path()
    if not path.exists():
        raise WarehouseMissing(str(path))
    return _cached_query(sql, tuple(params), str(path), path.stat().st_mtime_ns)


def segment_options() -> pd.DataFrame:
    """Every (site, team, channel) cell of the weekly mart, for the filters."""
    return query(
        "select distinct site, team_id, team_name, channel from marts.mart_quality_weekly"
        " order by site, team_name, channel"
    )


def quality_weekly(site: str, team_id: str, channel: str) -> pd.DataFrame:
    return query(
        f"select {WEEKLY_COLUMNS} from marts.mart_quality_weekly"
        " where site = ? and team_id = ? and channel = ? order by week_start",
        (site, team_id, channel),
    )
