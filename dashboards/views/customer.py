"""Customer: what moves CSAT and customer-reported resolution (each driver's difference and
its effect adjusted for the others, with intervals), customer sentiment and friction week by
week, contact reasons self-service could take, and sites and vendors against the rest of the
centre. URL parameters: `outcome`, `drivers` (machine, human, transcript), `site` (trends),
`period` (site comparison: recent or a month) and `metric` (the metric charted by site)."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import charts, queries, specs
from dashboards.filters import url_select

OUTCOMES = {"csat": "CSAT (1–5)", "customer_reported_resolved": "Customer-reported resolution"}
OUTCOME_WORDS = {"csat": "CSAT", "customer_reported_resolved": "customer-reported resolution"}
DRIVER_SOURCES = {
    "machine": "Machine answers (every transcript)",
    "human": "People's evaluations",
    "transcript": "Friction and sentiment in the transcript",
}
EFFECT_COLOURS = {"raises it": "#2ca02c", "lowers it": "#d62728", "within noise": "#4c78a8"}
COMPARISON_COLOURS = {
    "better": "#2ca02c",
    "worse": "#d62728",
    "within noise": "#4c78a8",
    "too little data to tell": "#bbbbbb",
}
TREND_METRICS = ("customer_sentiment", "high_friction_rate")
ALL = "All"
RECENT = "recent"
# how an interval of each registry format reads: number format and scale
INTERVAL_FORMATS = {"percent": (".1f", 100), "seconds": (".0f", 1), "score": (".1f", 1),
                    "rating": (".2f", 1), "ratio": (".2f", 1)}  # fmt: skip


def effect_words(row: pd.Series) -> str:
    if row["adjusted_lower"] > 0:
        return "raises it"
    if row["adjusted_upper"] < 0:
        return "lowers it"
    return "within noise"


def show_drivers() -> None:
    st.subheader("What moves CSAT and resolution")
    available = queries.csat_driver_sources()
    if available.empty:
        st.info("No surveyed contact yet: nothing to say about CSAT.")
        return
    outcome = url_select(
        "Outcome", [key for key in OUTCOMES if key in set(available["outcome"])], "outcome",
        OUTCOMES.get,
    )  # fmt: skip
    sources = set(available.loc[available["outcome"] == outcome, "source"])
    source = url_select(
        "Drivers from", [key for key in DRIVER_SOURCES if key in sources], "drivers",
        DRIVER_SOURCES.get,
    )  # fmt: skip
    if outcome is None or source is None:
        return
    drivers = queries.csat_drivers(outcome, source)
    is_csat = outcome == "csat"
    scale, unit = (1, "CSAT points") if is_csat else (100, "percentage points")
    number = ".2f" if is_csat else ".1f"
    st.write(
        charts.plain(
            f"Each driver's effect on {OUTCOME_WORDS[outcome]} in {unit}, with the other"
            " drivers of the same source, the channel and the contact reason held equal (one"
            " regression, so behaviours that go together are not counted twice), strongest"
            " first. A line is the interval: one that crosses zero is within noise. The plain"
            " difference (met against not met) is in the table."
        )
    )
    estimated = drivers[drivers["adjusted_effect"].notna()]
    if len(estimated):
        shown = estimated.assign(
            effect=scale * estimated["adjusted_effect"],
            effect_lower=scale * estimated["adjusted_lower"],
            effect_upper=scale * estimated["adjusted_upper"],
            effect_words=estimated.apply(effect_words, axis=1),
        )
        st.altair_chart(
            charts.interval_bars(
                shown, "driver_label", "effect", "effect_lower", "effect_upper",
                f"Adjusted effect ({unit})", value_format=number, reference=0.0,
                reference_title="No effect", colour="effect_words", colour_title="The driver",
                colours={key: colour for key, colour in EFFECT_COLOURS.items()
                         if key in set(shown["effect_words"])},
            ),
            width="stretch",
        )  # fmt: skip
    st.dataframe(
        drivers.assign(
            difference_shown=scale * drivers["difference"],
            difference_interval=charts.interval_texts(
                drivers, "difference_lower", "difference_upper", "+" + number, scale),
            adjusted_shown=scale * drivers["adjusted_effect"],
            adjusted_interval=charts.interval_texts(
                drivers, "adjusted_lower", "adjusted_upper", "+" + number, scale),
        ),
        hide_index=True,
        width="stretch",
        column_order=["driver_rank", "driver_label", "driver_kind", "contacts_met",
                      "contacts_not_met", "outcome_met", "outcome_not_met", "difference_shown",
                      "difference_interval", "adjusted_shown", "adjusted_interval",
                      "is_within_noise", "sentence"],
        column_config={
            "driver_rank": st.column_config.NumberColumn("Rank", format="%d"),
            "driver_label": st.column_config.TextColumn("Driver", width="medium"),
            "driver_kind": "Kind",
            "contacts_met": st.column_config.NumberColumn("Contacts met", format="%d"),
            "contacts_not_met": st.column_config.NumberColumn("Not met", format="%d"),
            "outcome_met": st.column_config.NumberColumn(
                "Met: CSAT" if is_csat else "Met: resolved",
                format="%.2f" if is_csat else "percent"),
            "outcome_not_met": st.column_config.NumberColumn(
                "Not met: CSAT" if is_csat else "Not met: resolved",
                format="%.2f" if is_csat else "percent"),
            "difference_shown": st.column_config.NumberColumn(
                f"Difference ({unit})", format="%+.2f" if is_csat else "%+.1f"),
            "difference_interval": "Difference, interval",
            "adjusted_shown": st.column_config.NumberColumn(
                f"Adjusted ({unit})", format="%+.2f" if is_csat else "%+.1f"),
            "adjusted_interval": "Adjusted, interval",
            "is_within_noise": "Within noise",
            "sentence": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download drivers (CSV)",
        charts.csv_bytes(drivers),
        f"csat_drivers_{outcome}_{source}.csv",
        "text/csv",
        key="csat_drivers",
    )


def control_chart_link(metric: str, site: str) -> str:
    segment = ("all", "all") if site == ALL else ("site", site)
    return "control-chart?" + urlencode(
        {"metric": metric, "grain": "week", "segment_kind": segment[0],
         "segment_value": segment[1]}
    )  # fmt: skip


def show_trends(metrics: pd.DataFrame) -> None:
    st.subheader("Customer sentiment and friction, week by week")
    options = queries.segment_options()
    sites = [ALL] + sorted(set(options["site"]) - {ALL})
    site = url_select("Site (trends)", sites, "site", default=ALL)
    if site is None:
        return
    weekly = queries.quality_weekly(site, ALL, ALL)
    registry = metrics.set_index("metric")
    columns = st.columns(len(TREND_METRICS))
    for column, metric in zip(columns, TREND_METRICS, strict=True):
        rows = weekly[weekly["metric"] == metric]
        label = registry.loc[metric, "label"]
        if rows.empty:
            column.info(charts.plain(f"No {label.lower()} for this site."))
            continue
        metric_row = {"metric": metric, **registry.loc[metric].to_dict()}
        column.vega_lite_chart(specs.metric_trend(rows, metric_row), width="stretch")
        column.markdown(
            f"[{charts.plain(label)} on its control chart]({control_chart_link(metric, site)})"
        )
    shown = weekly[weekly["metric"].isin(TREND_METRICS)]
    st.download_button(
        "Download sentiment and friction (CSV)",
        charts.csv_bytes(shown),
        "customer_trends.csv",
        "text/csv",
        key="customer_trends",
    )


def show_deflection() -> None:
    st.subheader("Self-service opportunities")
    reasons = queries.deflection_opportunities()
    if reasons.empty:
        st.info("No answered contact yet.")
        return
    first = reasons.iloc[0]
    level = f"{100 * first['confidence_level']:.0f} %"
    candidates = reasons[reasons["is_candidate"]]
    st.write(
        charts.plain(
            f"Contact reasons over {first['weeks_count']:.0f} complete weeks"
            f" ({first['window_start']:%d %b} – {first['window_end']:%d %b %Y}). A reason"
            " suits self-service when it is frequent, and its handle time is clearly short,"
            " its first-contact resolution clearly high and its friction clearly low against"
            f" the centre ({level} intervals). "
            + (
                "Candidates: "
                + "; ".join(f"{row.contact_reason} (about {row.agent_hours_per_week:.1f} agent"
                            " hours a week)" for row in candidates.itertuples())
                + "."
                if len(candidates)
                else "No reason passes all four tests."
            )
        )
    )  # fmt: skip
    shown = reasons.assign(
        candidate=reasons["is_candidate"].map({True: "candidate", False: "not a candidate"})
    )
    st.altair_chart(
        charts.interval_bars(
            shown, "contact_reason", "mean_handle_seconds", "handle_seconds_lower",
            "handle_seconds_upper", f"Mean handle time (seconds, {level} interval)",
            value_format=".0f", reference=first["centre_mean_handle_seconds"],
            reference_title="The centre's mean", colour="candidate",
            colour_title="Self-service",
            colours={key: colour for key, colour in
                     {"candidate": "#2ca02c", "not a candidate": "#7f7f7f"}.items()
                     if key in set(shown["candidate"])},
        ),
        width="stretch",
    )  # fmt: skip
    st.dataframe(
        reasons.assign(
            handle_interval=charts.interval_texts(
                reasons, "handle_seconds_lower", "handle_seconds_upper", ".0f"),
            resolution_interval=charts.interval_texts(
                reasons, "first_contact_resolution_rate_lower",
                "first_contact_resolution_rate_upper", ".0f", 100),
            friction_interval=charts.interval_texts(
                reasons, "high_friction_rate_lower", "high_friction_rate_upper", ".0f", 100),
        ),
        hide_index=True,
        width="stretch",
        column_order=["deflection_rank", "contact_reason", "is_candidate", "contacts_per_week",
                      "share_of_contacts", "mean_handle_seconds", "handle_interval",
                      "first_contact_resolution_rate", "resolution_interval",
                      "high_friction_rate", "friction_interval", "agent_hours_per_week",
                      "sentence"],
        column_config={
            "deflection_rank": st.column_config.NumberColumn("Rank", format="%d"),
            "contact_reason": "Contact reason",
            "is_candidate": "Candidate",
            "contacts_per_week": st.column_config.NumberColumn("Contacts a week", format="%.1f"),
            "share_of_contacts": st.column_config.NumberColumn("Share", format="percent"),
            "mean_handle_seconds": st.column_config.NumberColumn("Handle (s)", format="%.0f"),
            "handle_interval": f"Handle, {level}",
            "first_contact_resolution_rate": st.column_config.NumberColumn(
                "First-contact resolution", format="percent"),
            "resolution_interval": f"Resolution, {level} (%)",
            "high_friction_rate": st.column_config.NumberColumn(
                "High friction", format="percent"),
            "friction_interval": f"Friction, {level} (%)",
            "agent_hours_per_week": st.column_config.NumberColumn(
                "Agent hours a week", format="%.1f"),
            "sentence": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download self-service opportunities (CSV)",
        charts.csv_bytes(reasons),
        "deflection_opportunities.csv",
        "text/csv",
        key="deflection_opportunities",
    )


def period_text(grain: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    if grain == RECENT:
        return f"Recent days ({start:%d %b} – {end:%d %b %Y})"
    return f"{start:%B %Y}"


DIFFERENCE_UNITS = {"percent": " points", "seconds": " s"}


def difference_interval(metric_format: str, lower: float, upper: float) -> str:
    """A difference's interval in the metric's unit ("+14 – +46 s", "-1.6 – +0.5 points")."""
    number, scale = INTERVAL_FORMATS.get(metric_format, (".2f", 1))
    text = charts.interval_text(lower, upper, "+" + number, scale)
    return text if text == "–" else text + DIFFERENCE_UNITS.get(metric_format, "")


def show_sites(metrics: pd.DataFrame) -> None:
    st.subheader("Sites and vendors")
    periods = queries.site_comparison_periods()
    if periods.empty:
        st.info("No site to compare yet.")
        return
    keys = [RECENT if grain == RECENT else f"{start:%Y-%m-%d}"
            for grain, start in zip(periods["period_grain"], periods["period_start"],
                                    strict=True)]  # fmt: skip
    texts = {
        key: period_text(grain, start, end)
        + ("" if complete else " (data still arriving)")
        for key, grain, start, end, complete in zip(
            keys, periods["period_grain"], periods["period_start"], periods["period_end"],
            periods["is_period_complete"], strict=True)
    }  # fmt: skip
    period = url_select("Period (sites)", keys, "period", texts.get, default=RECENT)
    if period is None:
        return
    row = periods.iloc[keys.index(period)]
    rows = queries.site_comparison(row["period_grain"], row["period_start"].date())
    labels = metrics.set_index("metric")["label"]
    compared = [metric for metric in labels.index if metric in set(rows["metric"])]
    if not compared:
        st.info("No metric to compare in this period.")
        return
    metric = url_select("Metric (sites)", compared, "metric", labels.get)
    if metric is None:
        return
    level = f"{100 * rows['confidence_level'].iloc[0]:.0f} %"
    st.write(
        charts.plain(
            f"{texts[period]}: each site, and each vendor running several sites, against every"
            f" other contact of the centre, with {level} intervals; a difference whose interval"
            " holds zero is within noise. Contacts of one agent are alike, so the intervals"
            " are somewhat narrower than the truth."
        )
    )
    chosen = rows[rows["metric"] == metric]
    metric_format = str(chosen["format"].iloc[0])
    st.altair_chart(
        charts.interval_bars(
            chosen, "compared_label", "value", "value_lower", "value_upper",
            f"{labels[metric]} ({'seconds, ' if metric_format == 'seconds' else ''}{level}"
            " interval)",
            value_format=charts.AXIS_FORMATS.get(metric_format, ".2f"),
            colour="comparison", colour_title="Against the rest of the centre",
            colours={key: colour for key, colour in COMPARISON_COLOURS.items()
                     if key in set(chosen["comparison"])},
        ),
        width="stretch",
    )  # fmt: skip
    table = rows.assign(
        value_text=[charts.format_value(fmt, value) for fmt, value in
                    zip(rows["format"], rows["value"], strict=True)],
        rest_text=[charts.format_value(fmt, value) for fmt, value in
                   zip(rows["format"], rows["rest_value"], strict=True)],
        value_interval=[
            "–" if pd.isna(low) or pd.isna(high)
            else f"{charts.format_value(fmt, low)} – {charts.format_value(fmt, high)}"
            for fmt, low, high in zip(rows["format"], rows["value_lower"], rows["value_upper"],
                                      strict=True)],
        difference_interval=[
            difference_interval(fmt, low, high)
            for fmt, low, high in zip(rows["format"], rows["difference_lower"],
                                      rows["difference_upper"], strict=True)],
    )  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=["compared_label", "metric_label", "units", "value_text",
                      "value_interval", "rest_text", "difference_interval", "comparison",
                      "note"],
        column_config={
            "compared_label": "Site or vendor",
            "metric_label": "Metric",
            "units": st.column_config.NumberColumn("Units", format="localized"),
            "value_text": "Value",
            "value_interval": f"Value, {level}",
            "rest_text": "Rest of the centre",
            "difference_interval": f"Difference, {level}",
            "comparison": "Against the rest",
            "note": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download site comparison (CSV)",
        charts.csv_bytes(rows),
        "site_comparison.csv",
        "text/csv",
        key="site_comparison",
    )


st.title("Customer")
st.write(
    "What moves CSAT and resolution as customers report them, how customers feel week by"
    " week, which contact reasons self-service could take, and how sites and vendors compare."
)
try:
    metrics = queries.metrics()
    show_drivers()
    show_trends(metrics)
    show_deflection()
    show_sites(metrics)
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()
