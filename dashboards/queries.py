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


ATTENTION_COLUMNS = """
    series_id, metric, coalesce(metric_detail, '') as metric_detail, grain, segment_kind,
    segment_value, chart_type, signalled_on, pattern_started_on, rule, rules_fired,
    rule_in_words, value, center, lcl, ucl, coalesce(explained_by, '') as explained_by,
    is_explained_by_change
"""
POINT_COLUMNS = """
    series_id, metric, metric_detail, grain, segment_kind, segment_value, chart_type, chart,
    stage, stage_started_on, stage_started_by, subgroup_start, n, value, center, lcl, ucl,
    in_baseline, zone, sigma_z, chart_choice_reason, limits_explanation, rules_fired
"""


def needs_attention() -> pd.DataFrame:
    return query(
        f"select {ATTENTION_COLUMNS} from marts.mart_spc_attention order by signalled_on desc"
    )


def spc_series() -> pd.DataFrame:
    """Every charted series, for the pickers."""
    return query(
        "select series_id, metric, metric_detail, grain, segment_kind, segment_value"
        " from marts.mart_spc_series"
        " order by metric, metric_detail, grain, segment_kind, segment_value"
    )


def spc_points(series_id: str) -> pd.DataFrame:
    return query(
        f"select {POINT_COLUMNS} from marts.mart_spc_chart_points where series_id = ?"
        " order by chart, subgroup_start",
        (series_id,),
    )


def spc_signals(series_id: str) -> pd.DataFrame:
    return query(
        "select subgroup_start, chart, rule, rule_description, value, center, lcl, ucl"
        " from marts.mart_spc_signals where series_id = ? order by subgroup_start desc, rule",
        (series_id,),
    )
