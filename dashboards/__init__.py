"""Streamlit dashboards: pages select from the published marts; nothing is computed here."""
