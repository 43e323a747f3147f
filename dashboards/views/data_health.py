"""Data health: can the published warehouse be trusted today? The last run, how fresh every
export is, what each file brought and lost to quarantine, and the latest validation."""

import io
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards import charts, queries


def freshness_status(row: pd.Series, now: pd.Timestamp) -> str:
    """On time, late or stale against the export's dbt source freshness thresholds."""
    age = (now - row["last_ingested_at"]).total_seconds() / 3600
    if pd.notna(row["error_after_hours"]) and age > row["error_after_hours"]:
        return "stale"
    if pd.notna(row["warn_after_hours"]) and age > row["warn_after_hours"]:
        return "late"
    return "on time" if pd.notna(row["warn_after_hours"]) else "lands on change"


def run_errors(run: pd.Series) -> list[str]:
    """The first error line of each failed step, as runs.jsonl records it ("<step>: <error>");
    none for runs recorded before errors were."""
    errors = run.get("errors")
    return [str(error) for error in errors] if isinstance(errors, list) else []


@st.cache_data(show_spinner=False, max_entries=4)
def zipped(folder: str, modified_ns: int) -> bytes:
    del modified_ns  # part of the cache key only
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, Path("data_docs") / path.relative_to(folder))
    return buffer.getvalue()


st.title("Data health")
st.write(
    "Whether the published warehouse can be trusted today: the last run, how fresh every"
    " export is, what each landed file brought and lost to quarantine, and the checks the"
    " warehouse passed before it was published."
)
try:
    runs = queries.run_history()
    freshness = queries.source_freshness()
    files = queries.ingested_files()
    validation = queries.validation_results()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

st.subheader("Last run")
if runs.empty:
    st.info("No run recorded beside this warehouse yet.")
else:
    last = runs.iloc[-1]
    when = f"{last['started_at']:%d %b %Y %H:%M} UTC, {last['seconds']:.0f} s"
    if last["published"]:
        st.success(f"Published: {when}.")
    else:
        st.error(
            charts.plain(
                f"Not published: {when}. The warehouse shown is the last good one."
                + (f" Failed: {', '.join(last['failed'])}." if len(last["failed"]) else "")
                + "".join(f" {error}" for error in run_errors(last))
            )
        )
    empty = last.get("empty_exports")
    if isinstance(empty, list) and empty:
        st.info(
            charts.plain(
                f"Empty exports in that run (nothing landed, or every row quarantined):"
                f" {', '.join(empty)}. The marts built on them are empty."
            )
        )
    warnings = last.get("file_warnings")
    if isinstance(warnings, list) and warnings:
        st.warning(
            f"{len(warnings)} landed files to look at in that run (ignored, empty, or"
            " unreadable and quarantined whole):"
        )
        st.dataframe(pd.DataFrame({"file": warnings}), hide_index=True, width="stretch")

st.subheader("Freshness per export")
now = pd.Timestamp.now(tz="UTC").tz_localize(None)
freshness = freshness.assign(
    status=[freshness_status(row, now) for _, row in freshness.iterrows()],
    age_hours=[(now - when).total_seconds() / 3600 for when in freshness["last_ingested_at"]],
)
late = freshness[freshness["status"].isin(["late", "stale"])]
if len(late):
    st.warning(charts.plain(f"Late exports: {', '.join(late['export'])}."))
st.dataframe(
    freshness[
        [
            "export",
            "status",
            "last_ingested_at",
            "age_hours",
            "last_file",
            "files_count",
            "rows_loaded",
            "rows_quarantined",
            "warn_after_hours",
            "error_after_hours",
        ]
    ],  # fmt: skip
    hide_index=True,
    width="stretch",
    column_config={
        "export": "Export",
        "status": "Status",
        "last_ingested_at": st.column_config.DatetimeColumn("Last file in", format="D MMM HH:mm"),
        "age_hours": st.column_config.NumberColumn("Hours since", format="%.0f"),
        "last_file": "Last file",
        "files_count": "Files",
        "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="localized"),
        "rows_quarantined": st.column_config.NumberColumn("Rows quarantined", format="localized"),
        "warn_after_hours": st.column_config.NumberColumn("Late after (h)", format="%.0f"),
        "error_after_hours": st.column_config.NumberColumn("Stale after (h)", format="%.0f"),
    },
)

st.subheader("Files")
quarantined = files[files["rows_quarantined"] > 0]
st.caption(
    f"{len(files):,} files; {len(quarantined):,} lost rows to quarantine"
    " (raw.quarantine keeps each row with its file, row number and reason)."
)
st.dataframe(
    files,
    hide_index=True,
    width="stretch",
    column_config={
        "ingested_at": st.column_config.DatetimeColumn("Ingested", format="D MMM HH:mm"),
        "export": "Export",
        "source_file": "File",
        "rows_in": st.column_config.NumberColumn("Rows in", format="localized"),
        "rows_loaded": st.column_config.NumberColumn("Loaded", format="localized"),
        "rows_quarantined": st.column_config.NumberColumn("Quarantined", format="localized"),
        "quarantine_reasons": "Why",
    },
)
st.download_button("Download files (CSV)", charts.csv_bytes(files), "files.csv", "text/csv")

st.subheader("Validation")
failed = validation[~validation["is_success"]]
if validation.empty:
    st.info("No validation results in this warehouse.")
elif failed.empty:
    st.success(f"All {len(validation)} Great Expectations suites passed before publication.")
else:
    st.error(charts.plain(f"Suites that failed: {', '.join(failed['suite_name'])}."))
st.dataframe(
    validation.assign(
        failures=validation["failures"].map(lambda items: "; ".join(() if items is None else items))
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "suite_name": "Suite",
        "table_name": "Table",
        "is_success": "Passed",
        "evaluated_expectations": "Expectations",
        "failed_expectations": "Failed",
        "failures": "What failed",
        "validated_at": st.column_config.DatetimeColumn("Validated", format="D MMM HH:mm"),
    },
)
docs, served = queries.data_docs_site(), queries.data_docs_url()
if served:
    st.link_button("Open the Great Expectations Data Docs", served)
if docs is not None:
    st.caption(
        f"The Data Docs (they render offline) are in `{docs}`; `qm dashboard` serves them"
        " beside the dashboards. Download them:"
    )
    st.download_button(
        "Download Data Docs (zip)",
        zipped(str(docs), (docs / "index.html").stat().st_mtime_ns),
        "data_docs.zip",
        "application/zip",
    )
