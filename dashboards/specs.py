"""The pages' Altair charts as cached Vega-Lite specs: a rerun or a second viewer of the same
selection skips building and serialising the chart. The builders in `charts` stay pure (and
schema-validated by their unit tests), so serialising here skips the validation pass."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts


@st.cache_data(show_spinner=False, max_entries=256)
def control_chart_part(
    points: pd.DataFrame,
    part: str,
    metric: dict,
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> dict:
    return charts.control_chart_part(points, part, metric, window).to_dict(validate=False)


@st.cache_data(show_spinner=False, max_entries=256)
def metric_trend(rows: pd.DataFrame, metric: dict) -> dict:
    return charts.metric_trend(rows, metric).to_dict(validate=False)
