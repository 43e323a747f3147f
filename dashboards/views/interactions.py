"""Interactions: a list of handled contacts (segment, dates and a flag in the URL), and one
contact by URL (`?interaction_id=…`): its transcript as redacted at ingest, the sentiment of
every turn, its friction flags and the machine's answers with the evidence they rest on."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import charts, queries
from dashboards.filters import contact_link, url_select

SEGMENT_KINDS = ("all", "site", "team", "queue", "channel", "agent")
FLAG_NAMES = {
    "high_friction": "High friction",
    "negative_ending": "Negative ending",
    "escalation": "Escalation request",
    "repetition": "Customer repeated themselves",
    "transfer": "Transferred",
    "dead_air": "Dead air",
    "repeat_contact": "Repeat contact (7 days)",
    "machine_critical_fail": "Machine critical fail",
}
# Flags of one contact, in the order people read them: (column, what it says when set).
FLAG_SENTENCES = [
    ("has_escalation_request", "asked for escalation"),
    ("has_repetition", "had to repeat themselves"),
    ("has_long_hold", "waited on a long hold"),
    ("has_transfer", "was transferred"),
    ("has_dead_air", "met dead air"),
    ("is_repeat_contact", "contacted us in the 7 days before"),
    ("has_negative_ending", "ended negative"),
]
CUE_COLUMNS = {
    "anger_cues": "anger",
    "frustration_cues": "frustration",
    "confusion_cues": "confusion",
    "gratitude_cues": "gratitude",
}


def date_param(key: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(st.query_params[key])
    except (KeyError, ValueError):
        return default


def sentiment_metric(column, label: str, value: float | None) -> None:
    """A sentiment as a number on VADER's scale, with its reading (±0.05 is neutral) below."""
    if value is None or pd.isna(value):
        column.metric(label, "–")
        return
    mood = "positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral"
    column.metric(label, f"{value:+.2f}", delta=mood, delta_color="off", delta_arrow="off")


def show_interaction(interaction_id: str) -> None:
    found = queries.interaction(interaction_id)
    if found.empty:
        st.warning(charts.plain(f"The warehouse has no contact “{interaction_id}”."))
        return
    row = found.iloc[0]
    st.subheader(charts.plain(f"Contact {interaction_id}"))
    st.caption(
        charts.plain(
            f"{row['channel']} · queue {row['queue']} · {row['contact_reason'] or 'no reason'}"
            f" · agent {row['agent_id'] or '–'}"
            f" ({charts.team_label(row['team_id'], row['team_name']) if row['team_id'] else '–'})"
            f" · {row['started_at']:%d %b %Y %H:%M} UTC"
            f" · handle time {charts.format_value('seconds', row['handle_seconds'])}"
            + (f" · CSAT {row['csat']:.0f}/5" if pd.notna(row["csat"]) else "")
        )
    )
    columns = st.columns(4)
    columns[0].metric("Friction score (0–100)", charts.format_value("score", row["friction_score"]))
    sentiment_metric(columns[1], "Customer at start (−1…+1)", row["customer_sentiment_start"])
    sentiment_metric(columns[2], "Customer at end (−1…+1)", row["customer_sentiment_end"])
    columns[3].metric("Machine score", charts.format_value("score", row["machine_score"]))
    said = [words for column, words in FLAG_SENTENCES if pd.notna(row[column]) and row[column]]
    cues = [f"{name} ×{row[column]:.0f}" for column, name in CUE_COLUMNS.items()
            if pd.notna(row[column]) and row[column] > 0]  # fmt: skip
    st.write("The customer " + ", ".join(said) + "." if said else "No friction flag is set.")
    if cues:
        st.write("Emotion cues: " + ", ".join(cues) + ".")

    turns = queries.transcript(interaction_id)
    answers = queries.interaction_answers(interaction_id)
    if turns.empty:
        st.info("No transcript landed for this contact: it is not machine-scored.")
    else:
        st.markdown("**Sentiment per turn**")
        st.altair_chart(charts.turn_sentiment(turns), width="stretch")
        st.markdown("**Transcript** (personal data replaced at ingest by [CARD], [EMAIL] …)")
        shown = turns.assign(
            evidence_for=turns["machine_evidence_for"].fillna(""),
            cues=turns["cues"].fillna(""),
        )
        st.dataframe(
            shown.style.apply(
                lambda line: (
                    ["background-color: #fff3b0" if line["evidence_for"] else ""] * len(line)
                ),
                axis=1,
            ),
            hide_index=True,
            width="stretch",
            height=35 * (len(shown) + 1) + 3,  # every turn, no inner scrolling
            # The text last: a long turn runs on to the right edge, every other column shows.
            column_order=[
                "turn_number",
                "begin_seconds",
                "speaker",
                "sentiment",
                "cues",
                "evidence_for",
                "turn_text",
            ],  # fmt: skip
            column_config={
                "turn_number": st.column_config.NumberColumn("Turn", format="%d", width="small"),
                "begin_seconds": st.column_config.NumberColumn(
                    "At (s)", format="%.0f", width="small"
                ),
                "speaker": st.column_config.TextColumn("Speaker", width="small"),
                "turn_text": st.column_config.TextColumn("Text", width="large"),
                "sentiment": st.column_config.NumberColumn(
                    "Sentiment", format="%+.2f", width="small"
                ),
                "cues": st.column_config.TextColumn("Cues", width="small"),
                "evidence_for": st.column_config.TextColumn("Evidence for", width="medium"),
            },
        )
    st.markdown("**Answers**")
    if answers.empty:
        st.info("No evaluation of this contact, by people or by the machine.")
        return
    answers = answers.assign(
        by=answers["evaluation_type"].map(lambda kind: "machine" if kind == "auto" else kind)
    )
    st.dataframe(
        answers,
        hide_index=True,
        width="stretch",
        column_order=[
            "by",
            "evaluator_id",
            "question_id",
            "answer",
            "is_failed",
            "is_critical_miss",
            "evidence_turn_index",
            "evidence_text",
            "answer_comment",
        ],  # fmt: skip
        column_config={
            "by": "By",
            "evaluator_id": "Evaluator",
            "question_id": "Question",
            "answer": "Answer",
            "is_failed": "Failed",
            "is_critical_miss": "Critical miss",
            "evidence_turn_index": st.column_config.NumberColumn("Evidence turn", format="%d"),
            "evidence_text": st.column_config.TextColumn("Evidence", width="large"),
            "answer_comment": "Evaluator's comment",
        },
    )


def show_list() -> None:
    people = queries.people()
    names = {
        "team": dict(zip(people["team_id"], people["team_name"], strict=True)),
        "agent": dict(zip(people["agent_id"], people["agent_name"], strict=True)),
    }
    kind = url_select("Segment", list(SEGMENT_KINDS), "segment_kind", str.capitalize)
    value = "all"
    if kind not in (None, "all"):
        known = names.get(kind, {})
        value = url_select(
            "Value",
            queries.segment_values(kind),
            "segment_value",
            lambda item: f"{known[item]} ({item})" if item in known else item,
        )
    if kind is None or value is None:
        st.stop()
    dates = queries.interaction_dates().iloc[0]
    last = dates["last_day"].date() if pd.notna(dates["last_day"]) else dt.date.today()
    first = dates["first_day"].date() if pd.notna(dates["first_day"]) else last
    start = date_param("start", max(first, last - dt.timedelta(days=6)))
    end = date_param("end", last)
    picked = st.sidebar.date_input("Days", (start, end), min_value=first, max_value=last)
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    st.query_params["start"], st.query_params["end"] = start.isoformat(), end.isoformat()
    flag = url_select("Only contacts with", ["any", *FLAG_NAMES], "flag",
                      lambda item: FLAG_NAMES.get(item, "Any flag or none"))  # fmt: skip
    rows = queries.interactions(kind, value, start, end, None if flag in (None, "any") else flag)
    segment = charts.segment_label(kind, value, names.get(kind, {}).get(value))
    st.caption(
        charts.plain(
            f"{len(rows)} handled contacts of {segment}, {start:%d %b} – {end:%d %b %Y}"
            + (" (the 500 with the most friction)" if len(rows) == 500 else "")
            + ", most friction first."
        )
    )
    st.dataframe(
        rows.assign(link=rows["interaction_id"].map(contact_link)),
        hide_index=True,
        width="stretch",
        column_order=[
            "link",
            "started_at",
            "channel",
            "queue",
            "agent_id",
            "friction_score",
            "customer_sentiment_end",
            "machine_score",
            "csat",
        ],  # fmt: skip
        column_config={
            "link": st.column_config.LinkColumn("Contact", display_text=r"interaction_id=(.*)$"),
            "started_at": st.column_config.DatetimeColumn("Started (UTC)", format="D MMM HH:mm"),
            "channel": "Channel",
            "queue": "Queue",
            "agent_id": "Agent",
            "friction_score": st.column_config.NumberColumn("Friction (0–100)", format="%.0f"),
            "customer_sentiment_end": st.column_config.NumberColumn(
                "Customer at end", format="%+.2f"
            ),
            "machine_score": st.column_config.NumberColumn("Machine score", format="%.1f"),
            "csat": st.column_config.NumberColumn("CSAT (1–5)", format="%d"),
        },
    )


st.title("Interactions")
try:
    wanted = st.query_params.get("interaction_id")
    if wanted:
        st.markdown("[← All interactions](interactions)")
        show_interaction(wanted)
    else:
        show_list()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()
