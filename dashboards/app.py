"""Streamlit entry point: `streamlit run dashboards/app.py` (or `qm dashboard`)."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="QM warehouse", page_icon="📞", layout="wide")
st.navigation(
    [
        st.Page(
            PAGES / "quality_overview.py",
            title="Quality overview",
            icon=":material/monitoring:",
            default=True,
        ),
        st.Page(
            PAGES / "needs_attention.py",
            title="What needs attention",
            icon=":material/notification_important:",
        ),
        st.Page(
            PAGES / "control_chart.py",
            title="Control chart",
            icon=":material/show_chart:",
            url_path="control-chart",
        ),
    ]
).run()
