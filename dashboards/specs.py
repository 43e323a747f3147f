"""The pages' Altair charts as cached Vega-Lite specs: a rerun or a second viewer of the same
selection skips building and serialising the chart. The builders in `charts` stay pure (and
schema-validated by their unit tests), so serialising here skips the validation pass."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts


@st.cache_data(show_spinner=False, max_entries=128)
def control_chart(points: pd.DataFrame, width: int, title: str) -> dict:
    return charts.control_chart(points, width, title).to_dict(validate=False)


@st.cache_data(show_spinner=False, max_entries=128)
def metric_grid(weekly: pd.DataFrame) -> dict:
    return charts.metric_grid(weekly).to_dict(validate=False)
