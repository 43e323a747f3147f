"""Streamlit entry point: `streamlit run dashboards/app.py` (or `qm dashboard`)."""

from pathlib import Path

import streamlit as st

from dashboards.charts import plain
from dashboards.queries import WarehouseUnreadable

# Not `pages/`: Streamlit would also discover that folder on its own and show file-named
# links (and "page not found" for /control-chart) before st.navigation takes over.
VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="QM warehouse", page_icon="📞", layout="wide")
navigation = st.navigation(
    [
        st.Page(
            VIEWS / "quality_overview.py",
            title="Quality overview",
            icon=":material/monitoring:",
            default=True,
        ),
        st.Page(
            VIEWS / "needs_attention.py",
            title="What needs attention",
            icon=":material/notification_important:",
        ),
        st.Page(
            VIEWS / "control_chart.py",
            title="Control chart",
            icon=":material/show_chart:",
            url_path="control-chart",
        ),
        st.Page(
            VIEWS / "scorecards.py",
            title="Scorecards",
            icon=":material/leaderboard:",
            url_path="scorecards",
        ),
        st.Page(
            VIEWS / "coaching.py",
            title="Coaching",
            icon=":material/school:",
            url_path="coaching",
        ),
        st.Page(
            VIEWS / "customer.py",
            title="Customer",
            icon=":material/sentiment_satisfied:",
            url_path="customer",
        ),
        st.Page(
            VIEWS / "calibration.py",
            title="Calibration",
            icon=":material/balance:",
            url_path="calibration",
        ),
        st.Page(
            VIEWS / "interactions.py",
            title="Interactions",
            icon=":material/forum:",
            url_path="interactions",
        ),
        st.Page(
            VIEWS / "data_health.py",
            title="Data health",
            icon=":material/health_and_safety:",
            url_path="data-health",
        ),
    ]
)
# A published file DuckDB cannot open: one message, whichever page was asked for. (Each page
# handles WarehouseMissing itself, saying what it would show.)
try:
    navigation.run()
except WarehouseUnreadable as unreadable:
    st.error(plain(unreadable))
    st.stop()
