"""Calibration: are the evaluators, and the machine, scoring alike? Each evaluator's
deviation from the others on the calibration contacts (with the interval the flag uses),
agreement between evaluators per question (Fleiss' κ, Krippendorff's α), machine against
people per question (Cohen's κ), and how often each evaluator's evaluations are disputed."""

import streamlit as st

from dashboards import charts, queries
from dashboards.filters import url_select

DIRECTION_COLOURS = {"lenient": "#ff7f0e", "harsh": "#9467bd", "in line": "#7f7f7f"}


def show_evaluators(form_id: str) -> None:
    evaluators = queries.calibration_evaluators(form_id)
    st.subheader("Evaluators against the others")
    if evaluators.empty:
        st.info("No calibration contact scored by two evaluators or more yet.")
        return
    first = evaluators.iloc[0]
    flagged = evaluators[evaluators["is_significant"]]
    st.write(
        charts.plain(
            f"Every evaluator's score minus the mean of the other evaluators on the same"
            f" calibration contacts, in points. A line is the interval at"
            f" {100 * first['adjusted_confidence_level']:.1f} % (Bonferroni over the"
            f" {first['evaluators_compared']:.0f} evaluators compared, so that an evaluator in"
            f" line is flagged by chance at most {100 * (1 - first['confidence_level']):.0f} %"
            " of the time): an evaluator is lenient or harsh when it misses zero. "
            + (
                "Flagged: "
                + ", ".join(f"{row.evaluator_id} ({row.direction})" for row in flagged.itertuples())
                + "."
                if len(flagged)
                else "No evaluator differs from the others beyond chance."
            )
        )
    )
    st.altair_chart(
        charts.interval_bars(
            evaluators, "evaluator_id", "mean_deviation", "adjusted_lower", "adjusted_upper",
            "Score minus the others' mean (points)", reference=0.0,
            reference_title="In line with the others", colour="direction",
            colour_title="Scores", colours={direction: colour for direction, colour in
                                            DIRECTION_COLOURS.items()
                                            if direction in set(evaluators["direction"])},
        ),
        width="stretch",
    )  # fmt: skip
    level = f"{100 * first['confidence_level']:.0f} %"
    st.dataframe(
        evaluators.assign(
            interval=charts.interval_texts(
                evaluators, "mean_deviation_lower", "mean_deviation_upper", "+.1f"
            ),
            adjusted=charts.interval_texts(
                evaluators, "adjusted_lower", "adjusted_upper", "+.1f"
            ),
        ),
        hide_index=True,
        width="stretch",
        column_order=["evaluator_id", "calibration_contacts_count", "mean_score",
                      "mean_consensus_score", "mean_deviation", "interval", "adjusted",
                      "direction"],
        column_config={
            "evaluator_id": "Evaluator",
            "calibration_contacts_count": st.column_config.NumberColumn("Contacts", format="%d"),
            "mean_score": st.column_config.NumberColumn("Their mean", format="%.1f"),
            "mean_consensus_score": st.column_config.NumberColumn("Others' mean", format="%.1f"),
            "mean_deviation": st.column_config.NumberColumn("Deviation", format="%+.1f"),
            "interval": f"Deviation, {level}",
            "adjusted": "Deviation, Bonferroni",
            "direction": "Scores",
        },
    )  # fmt: skip
    st.download_button(
        "Download (CSV)",
        charts.csv_bytes(evaluators),
        "calibration_evaluators.csv",
        "text/csv",
        key="calibration_evaluators",
    )


def show_agreement(form_id: str) -> None:
    agreement = queries.calibration_agreement(form_id)
    st.subheader("Agreement between evaluators, per question")
    if agreement.empty:
        st.info("No calibration contact scored by two evaluators or more yet.")
        return
    level = f"{100 * agreement['confidence_level'].iloc[0]:.0f} %"
    st.write(
        "Fleiss' κ: how far the evaluators give the same answer beyond what chance would"
        " give (1 = always, 0 = no better than chance); Krippendorff's α: the same for the"
        f" points. Lines are {level} bootstrap intervals over the calibration contacts."
    )
    questions = agreement[agreement["fleiss_kappa"].notna()]
    if len(questions):
        st.altair_chart(
            charts.interval_bars(
                questions, "question_text", "fleiss_kappa", "fleiss_kappa_lower",
                "fleiss_kappa_upper", "Fleiss' κ", value_format=".2f", domain=(-1, 1),
            ),
            width="stretch",
        )  # fmt: skip
    st.dataframe(
        agreement.assign(
            kappa_interval=charts.interval_texts(
                agreement, "fleiss_kappa_lower", "fleiss_kappa_upper", "+.2f"
            ),
            alpha_interval=charts.interval_texts(
                agreement, "krippendorff_alpha_lower", "krippendorff_alpha_upper", "+.2f"
            ),
        ),
        hide_index=True,
        width="stretch",
        column_order=["question_text", "units_count", "evaluators_count", "fleiss_kappa",
                      "kappa_interval", "krippendorff_alpha", "alpha_interval"],
        column_config={
            "question_text": st.column_config.TextColumn("Question", width="large"),
            "units_count": st.column_config.NumberColumn("Contacts", format="%d"),
            "evaluators_count": st.column_config.NumberColumn("Evaluators", format="%d"),
            "fleiss_kappa": st.column_config.NumberColumn("Fleiss' κ", format="%.2f"),
            "kappa_interval": f"κ, {level}",
            "krippendorff_alpha": st.column_config.NumberColumn("Krippendorff's α", format="%.2f"),
            "alpha_interval": f"α, {level}",
        },
    )  # fmt: skip
    st.download_button(
        "Download (CSV)",
        charts.csv_bytes(agreement),
        "calibration_questions.csv",
        "text/csv",
        key="calibration_questions",
    )


def show_machine(form_id: str) -> None:
    machine = queries.machine_agreement(form_id)
    st.subheader("Machine against people, per question")
    if machine.empty:
        st.info("No contact is scored by both a person and the machine yet.")
        return
    st.write(
        "Cohen's κ between the machine's answer and the person's on the contacts both"
        " scored, with its 95 % interval: a rule whose interval sits high can stand in for a"
        " person; a low one needs its phrases looked at."
    )
    st.altair_chart(
        charts.interval_bars(
            machine[machine["kappa"].notna()], "question_text", "kappa", "kappa_lower_95",
            "kappa_upper_95", "Cohen's κ, machine against people", value_format=".2f",
            domain=(-1, 1),
        ),
        width="stretch",
    )  # fmt: skip
    st.dataframe(
        machine,
        hide_index=True,
        width="stretch",
        column_order=["question_text", "pairs_count", "observed_agreement", "kappa",
                      "kappa_lower_95", "kappa_upper_95"],
        column_config={
            "question_text": st.column_config.TextColumn("Question", width="large"),
            "pairs_count": st.column_config.NumberColumn("Contacts", format="%d"),
            "observed_agreement": st.column_config.NumberColumn("Same answer", format="percent"),
            "kappa": st.column_config.NumberColumn("Cohen's κ", format="%.2f"),
            "kappa_lower_95": st.column_config.NumberColumn("κ from (95 %)", format="%.2f"),
            "kappa_upper_95": st.column_config.NumberColumn("κ to (95 %)", format="%.2f"),
        },
    )  # fmt: skip
    st.download_button(
        "Download (CSV)",
        charts.csv_bytes(machine),
        "machine_agreement.csv",
        "text/csv",
        key="machine_agreement",
    )


def show_disputes(form_id: str) -> None:
    disputes = queries.evaluator_disputes(form_id)
    st.subheader("Disputes, per evaluator")
    if disputes.empty:
        st.info("No standard evaluation yet.")
        return
    level = f"{100 * disputes['confidence_level'].iloc[0]:.0f} %"
    st.write(
        "Evaluations re-scored after a dispute (a later revision landed), and of those, the"
        f" ones whose answers changed; {level} Wilson intervals."
    )
    st.dataframe(
        disputes.assign(
            dispute_interval=charts.interval_texts(
                disputes, "dispute_rate_lower", "dispute_rate_upper", ".0f", 100
            ),
            overturn_interval=charts.interval_texts(
                disputes, "overturn_rate_lower", "overturn_rate_upper", ".0f", 100
            ),
        ),
        hide_index=True,
        width="stretch",
        column_order=["evaluator_id", "evaluations_count", "disputed_count", "dispute_rate",
                      "dispute_interval", "overturned_count", "overturn_rate",
                      "overturn_interval"],
        column_config={
            "evaluator_id": "Evaluator",
            "evaluations_count": st.column_config.NumberColumn("Evaluations", format="%d"),
            "disputed_count": st.column_config.NumberColumn("Re-scored", format="%d"),
            "dispute_rate": st.column_config.NumberColumn("Re-scored share", format="percent"),
            "dispute_interval": f"Re-scored, {level} (%)",
            "overturned_count": st.column_config.NumberColumn("Answers changed", format="%d"),
            "overturn_rate": st.column_config.NumberColumn("Changed share", format="percent"),
            "overturn_interval": f"Changed, {level} (%)",
        },
    )  # fmt: skip
    st.download_button(
        "Download (CSV)",
        charts.csv_bytes(disputes),
        "evaluator_disputes.csv",
        "text/csv",
        key="evaluator_disputes",
    )


st.title("Calibration")
st.write(
    "Whether the people who score, and the machine, score alike: evaluators against each"
    " other on the calibration contacts they all scored, and the machine against people on"
    " the contacts both scored."
)
try:
    forms = queries.calibration_forms()
    if not forms:
        st.info("No calibration evaluation has landed yet (evaluation_type calibration).")
        st.stop()
    form_id = url_select("Form", forms, "form")
    if form_id is None:
        st.stop()
    show_evaluators(form_id)
    show_agreement(form_id)
    show_machine(form_id)
    show_disputes(form_id)
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()
