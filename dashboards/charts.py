"""Chart builders and text helpers: pure functions from mart rows to Altair charts and to
the strings pages show (no Streamlit here). Labels and formats come from the metric registry
(marts.dim_metrics rows), never from a list kept here."""

from __future__ import annotations

import re
from collections.abc import Mapping

import altair as alt
import pandas as pd

Metric = Mapping[str, object]  # a row of marts.dim_metrics

# Vega-Lite axis formats per registry format; seconds read as m:ss through a label expression.
AXIS_FORMATS = {"percent": ".0%", "score": ".0f", "seconds": ".0f", "rating": ".1f", "ratio": ".2f"}
MINUTES_SECONDS = (
    "floor(datum.value / 60) + ':' + (datum.value % 60 < 9.5 ? '0' : '')"
    " + format(datum.value % 60, '.0f')"
)


def format_value(metric_format: str, value: float | None) -> str:
    """How a metric's value reads (the same strings as the SQL macro format_metric_value:
    rounded to 9 decimals first, so that a value equal to 91.45 in exact arithmetic reads
    the same whichever order summed it, as format_number does)."""
    if value is None or pd.isna(value):
        return "–"
    if metric_format == "percent":
        return f"{round(100 * value, 9):.1f} %"
    if metric_format == "score":
        return f"{round(value, 9):.1f}"
    if metric_format == "seconds":
        seconds = round(value)
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{round(value, 9):.2f}"


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")  # & too: no entities


# GitHub-flavoured Markdown links bare addresses (http://…, www.…, name@host.org) after
# escapes are resolved, unless a letter-like character comes before them: a word joiner
# (U+2060, invisible, not a space) there and after every @ leaves them text.
BARE_LINK = re.compile(r"(?i)(?=https?:|www\.|ftp:|mailto:|xmpp:)|(?<=@)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Text from the warehouse, escaped so that Markdown shows it as it is (never as a
    link, an image, a colour directive or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", BARE_LINK.sub(WORD_JOINER, str(text)))


def segment_label(kind: str, value: str, name: str | None = None) -> str:
    """How a segment reads: 'the whole centre', 'team Comet (T03)', 'queue billing'."""
    if kind == "all":
        return "the whole centre"
    return f"{kind} {name} ({value})" if name and name != value else f"{kind} {value}"


NO_TEAM = "Unassigned"  # what the marts call the team of a contact without a rostered agent


def team_label(team_id: str, team_name: str | None) -> str:
    """A team as people know it, with its id; contacts without an agent on the roster are
    said to be so."""
    if team_id == NO_TEAM:
        return "No team (contacts without a rostered agent)"
    return f"{team_name} ({team_id})" if team_name and team_name != team_id else team_id


CHART_NAMES = {
    "p": "p chart (share)",
    "laney_p": "Laney p′ chart (share, widened limits)",
    "np": "np chart (count)",
    "c": "c chart (count)",
    "u": "u chart (count per unit)",
    "laney_u": "Laney u′ chart (count per unit, widened limits)",
    "xbar_s": "X̄–S chart (mean and spread)",
    "xbar_r": "X̄–R chart (mean and range)",
    "imr": "Individuals and moving range",
    "ewma": "EWMA chart",
    "cusum": "CUSUM chart",
}
PART_NAMES = {"s": "Spread (standard deviation)", "r": "Range", "mr": "Moving range"}


def target_gap(metric: Metric, value: float, target: float, direction: str) -> tuple[str, str]:
    """A value against its target in words, in the metric's unit ("15.0 points below
    target"), and the colour it earns given the target's direction."""
    gap = value - target
    if metric["format"] == "percent":
        size = f"{abs(gap) * 100:.1f} percentage points"
    elif metric["format"] == "seconds":
        size = f"{abs(gap):.0f} seconds"
    else:
        size = f"{abs(gap):.{1 if metric['format'] == 'score' else 2}f} {metric['unit']}"
    side = "above" if gap > 0 else "below" if gap < 0 else "on"
    words = "on target" if side == "on" else f"{size} {side} target"
    met = gap >= 0 if direction == "higher" else gap <= 0
    return words, "green" if met else "red"


# As wide as the column, and as high as asked for the plot itself (a "container" width would
# otherwise squeeze title and axes into the height too).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _value_axis(metric: Metric, title: str) -> alt.Axis:
    if metric["format"] == "seconds":
        return alt.Axis(title=title, labelExpr=MINUTES_SECONDS)
    return alt.Axis(title=title, format=AXIS_FORMATS[str(metric["format"])])


def metric_trend(rows: pd.DataFrame, metric: Metric) -> alt.LayerChart:
    """One metric's weekly values (rows of mart_quality_weekly for one cell) as a line with
    points, the target as a dashed step line; as wide as its column."""
    fmt = str(metric["format"])
    plotted = rows[["week_start", "value", "target", "units"]].assign(
        value_text=rows["value"].map(lambda value: format_value(fmt, value)),
        target_text=rows["target"].map(lambda value: format_value(fmt, value)),
    )
    base = alt.Chart().encode(
        x=alt.X("week_start:T", title="ISO week (Monday)", axis=alt.Axis(format="%d %b")),
    )
    tooltip = [
        alt.Tooltip("week_start:T", title="Week of", format="%d %b %Y"),
        alt.Tooltip("value_text:N", title=str(metric["label"])),
        alt.Tooltip("target_text:N", title="Target"),
        alt.Tooltip("units:Q", title=str(metric["units"]).capitalize(), format=","),
    ]
    values = base.mark_line(point=alt.OverlayMarkDef(size=50)).encode(
        y=alt.Y("value:Q", axis=_value_axis(metric, str(metric["label"])),
                scale=alt.Scale(zero=False)),
        tooltip=tooltip,
    )  # fmt: skip
    target = base.mark_line(strokeDash=[6, 4], color="#d62728", interpolate="step-after").encode(
        y="target:Q", tooltip=tooltip
    )
    return alt.layer(values, target, data=plotted).properties(
        title=str(metric["label"]), width="container", height=220, autosize=FIT_WIDTH
    )


DISPERSION_PARTS = ("s", "r", "mr")
PLOTTED_POINT_COLUMNS = [
    "subgroup_start", "value", "center", "lcl", "ucl", "n", "stage", "rules_fired",
    "is_provisional", "target",
]  # fmt: skip
TEXT_COLUMNS = ("value", "center", "lcl", "ucl", "target")


def control_chart_part(
    points: pd.DataFrame,
    part: str,
    metric: Metric,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> alt.LayerChart:
    """One chart part: points, centre and limits as stored (stepped, per stage), stage
    boundaries as labelled rules, signalled points in red with their rules in the tooltip,
    provisional points (data still arriving) hollow and grey, the quality target dashed on
    the chart of location and, when given, the window that put the series on the attention
    list shaded. Values read in the metric's format; the chart is as wide as its column."""
    frame = points[points["chart"] == part]
    fmt = str(metric["format"])
    plotted = frame[PLOTTED_POINT_COLUMNS].assign(
        **{
            f"{column}_text": frame[column].map(lambda value: format_value(fmt, value))
            for column in TEXT_COLUMNS
        }
    )
    title = str(metric["label"]) if part not in DISPERSION_PARTS else PART_NAMES[part]
    base = alt.Chart().encode(
        x=alt.X("subgroup_start:T", title="Subgroup", axis=alt.Axis(format="%d %b"))
    )
    tooltip = [
        alt.Tooltip("subgroup_start:T", title="Subgroup", format="%d %b %Y"),
        alt.Tooltip("value_text:N", title=title),
        alt.Tooltip("center_text:N", title="Centre line"),
        alt.Tooltip("lcl_text:N", title="Lower limit"),
        alt.Tooltip("ucl_text:N", title="Upper limit"),
        alt.Tooltip("n:Q", title=str(metric["units"]).capitalize(), format=","),
        alt.Tooltip("stage:O", title="Stage"),
        alt.Tooltip("rules_fired:N", title="Rules fired"),
        alt.Tooltip("is_provisional:N", title="Data still arriving"),
    ]
    axis = _value_axis(metric, title)
    layers = [
        base.mark_line(interpolate="step-after", color=color, strokeDash=dash).encode(
            y=alt.Y(f"{column}:Q", axis=axis), detail="stage:O"
        )
        for column, color, dash in (
            ("ucl", "#d62728", [5, 3]),
            ("center", "#2ca02c", [1, 0]),
            ("lcl", "#d62728", [5, 3]),
        )
    ]
    complete = base.transform_filter("!datum.is_provisional")
    layers += [
        complete.mark_line(point=True, color="#1f77b4").encode(
            y=alt.Y("value:Q", axis=axis, scale=alt.Scale(zero=False)), tooltip=tooltip
        ),
        complete.transform_filter("datum.rules_fired != null")
        .mark_point(color="#d62728", size=120, filled=True)
        .encode(y="value:Q", tooltip=tooltip),
        base.transform_filter("datum.is_provisional")
        .mark_point(color="#7f7f7f", size=60, filled=False)
        .encode(y="value:Q", tooltip=tooltip),
    ]
    if part not in DISPERSION_PARTS and frame["target"].notna().any():
        layers.append(
            base.mark_line(color="#9467bd", strokeDash=[2, 3], interpolate="step-after").encode(
                y="target:Q", tooltip=[alt.Tooltip("target_text:N", title="Target")]
            )
        )
    boundaries = frame.loc[frame["stage"] > 1, ["stage", "stage_started_on", "stage_started_by"]]
    boundaries = boundaries.drop_duplicates("stage")
    stage_tooltip = [
        alt.Tooltip("stage_started_on:T", title="New stage from", format="%d %b %Y"),
        alt.Tooltip("stage_started_by:N", title="Process change"),
    ]
    layers += [
        alt.Chart(boundaries)
        .mark_rule(color="#7f7f7f", strokeDash=[2, 2])
        .encode(x="stage_started_on:T", tooltip=stage_tooltip),
        alt.Chart(boundaries)
        .transform_calculate(change="split(datum.stage_started_by, ':')[0]")
        .mark_text(align="left", dx=3, dy=-6, color="#555")
        .encode(x="stage_started_on:T", y=alt.value(0), text="change:N", tooltip=stage_tooltip),
    ]
    if window is not None:
        band = pd.DataFrame({"start": [window[0]], "end": [window[1] + pd.Timedelta(days=1)]})
        layers.insert(
            0,
            alt.Chart(band)
            .mark_rect(color="#ff7f0e", opacity=0.12)
            .encode(
                x="start:T",
                x2="end:T",
                tooltip=[
                    alt.Tooltip("start:T", title="Window from", format="%d %b %Y"),
                    alt.Tooltip("end:T", title="until before", format="%d %b %Y"),
                ],
            ),
        )
    height = 160 if part in DISPERSION_PARTS else 280
    return alt.layer(*layers, data=plotted).properties(
        width="container", height=height, title=title, autosize=FIT_WIDTH
    )


def chart_parts(points: pd.DataFrame) -> list[str]:
    """The chart of location first, its dispersion companion (S, R or MR) below."""
    return sorted(points["chart"].unique(), key=lambda part: part in DISPERSION_PARTS)


# OWASP "CSV Injection": a cell a spreadsheet may run as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised_cell(value: object) -> object:
    """A text cell as OWASP recommends: a leading apostrophe before a first character that
    starts a formula (= + - @ tab CR), so that a spreadsheet shows the text. Stricter than
    OWASP: also when blanks come first (" =1+1"), as some spreadsheets trim them on import.
    Text that reads as a number ("-5") is prefixed too; numbers in number columns are not
    text and stay numbers."""
    if isinstance(value, str) and value.lstrip(" \u00a0").startswith(FORMULA_START):
        return f"'{value}"
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV for download, every text cell and column name neutralised
    (neutralised_cell). Lines end in CRLF as RFC 4180 writes them, so the csv writer quotes
    every cell holding a comma, a quote, a CR or a LF: no text spills into the next cell or
    starts a row of its own."""
    safe = frame.copy()
    for column in safe.select_dtypes(exclude=["number", "bool", "datetime", "datetimetz"]).columns:
        safe[column] = safe[column].map(neutralised_cell)
    safe.columns = [neutralised_cell(str(column)) for column in safe.columns]
    return safe.to_csv(index=False, lineterminator="\r\n").encode()


SPEAKER_COLOURS = {"customer": "#d62728", "agent": "#1f77b4", "system": "#7f7f7f"}


def turn_sentiment(turns: pd.DataFrame) -> alt.LayerChart:
    """Sentiment of each turn of one conversation (rows of fct_transcript_turns): a bar per
    turn from zero, coloured by speaker, on the fixed scale −1 … +1 of VADER's compound, with
    the ±0.05 band VADER calls neutral; as wide as its column."""
    shown = turns[turns["speaker"] != "system"]
    bars = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("turn_number:O", title="Turn"),
            y=alt.Y(
                "sentiment:Q",
                title="Sentiment (−1 to +1)",
                scale=alt.Scale(domain=[-1, 1]),
            ),
            color=alt.Color(
                "speaker:N",
                title="Speaker",
                scale=alt.Scale(domain=list(SPEAKER_COLOURS), range=list(SPEAKER_COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("turn_number:O", title="Turn"),
                alt.Tooltip("speaker:N", title="Speaker"),
                alt.Tooltip("sentiment:Q", title="Sentiment", format="+.2f"),
            ],
        )
    )
    neutral = (
        alt.Chart(pd.DataFrame({"low": [-0.05], "high": [0.05]}))
        .mark_rect(opacity=0.15, color="#7f7f7f")
        .encode(y="low:Q", y2="high:Q")
    )
    return alt.layer(neutral, bars).properties(width="container", height=180, autosize=FIT_WIDTH)


def interval_bars(
    rows: pd.DataFrame,
    label: str,
    value: str,
    lower: str,
    upper: str,
    value_title: str,
    value_format: str = ".1f",
    reference: float | None = None,
    reference_title: str | None = None,
    colour: str | None = None,
    colour_title: str | None = None,
    domain: tuple[float, float] | None = None,
    colours: Mapping[str, str] | None = None,
) -> alt.LayerChart:
    """One row per item (label), its estimate as a dot and its interval as a line from
    `lower` to `upper`, in the order of `rows`; an optional vertical reference (a median, a
    zero) as a dashed rule. Coloured by `colour` when given (e.g. whether an interval clears
    the reference), `colours` (value → colour) fixing each value's colour; the legend sits
    below with its labels whole. As wide as its column, 26 px per row."""
    kept = [label, value, lower, upper, *([colour] if colour else [])]
    shown = rows[kept].copy()
    order = shown[label].tolist()
    y = alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=False)
    x = alt.X(f"{value}:Q", title=value_title, scale=scale, axis=alt.Axis(format=value_format))
    encoding = {"y": y, "tooltip": [
        alt.Tooltip(f"{label}:N", title="Item"),
        alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
        alt.Tooltip(f"{lower}:Q", title="Interval from", format=value_format),
        alt.Tooltip(f"{upper}:Q", title="Interval to", format=value_format),
    ]}  # fmt: skip
    if colour:
        colour_scale = (
            alt.Scale(domain=list(colours), range=list(colours.values()))
            if colours
            else alt.Undefined
        )
        legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=0, titleLimit=0)
        encoding["color"] = alt.Color(
            f"{colour}:N", title=colour_title, scale=colour_scale, legend=legend
        )
    base = alt.Chart(shown)
    whiskers = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(f"{lower}:Q", scale=scale, title=value_title), x2=f"{upper}:Q", **encoding
    )
    dots = base.mark_circle(size=70, opacity=1).encode(x=x, **encoding)
    layers = [whiskers, dots]
    if reference is not None and pd.notna(reference):
        rule = (
            alt.Chart(pd.DataFrame({"reference": [reference], "title": [reference_title or ""]}))
            .mark_rule(strokeDash=[6, 4], color="#555")
            .encode(x="reference:Q", tooltip=[alt.Tooltip("title:N", title="Line"),
                                              alt.Tooltip("reference:Q", title="At",
                                                          format=value_format)])
        )  # fmt: skip
        layers.insert(0, rule)
    height = 26 * max(len(shown), 1) + 10
    return alt.layer(*layers).properties(width="container", height=height, autosize=FIT_WIDTH)


def interval_trend(
    rows: pd.DataFrame,
    period: str,
    value: str,
    lower: str,
    upper: str,
    value_title: str,
    series: str,
    series_title: str,
    value_format: str = ".1f",
    period_format: str = "%d %b",
    colours: Mapping[str, str] | None = None,
) -> alt.LayerChart:
    """An estimate per period and series (e.g. human and machine scores) as a dot with its
    interval as a vertical line, side by side within the period, joined per series; a
    period without an interval (too few values) shows the dot only."""
    shown = rows[[period, value, lower, upper, series]]
    colour_scale = (
        alt.Scale(domain=list(colours), range=list(colours.values())) if colours else alt.Undefined
    )
    colour = alt.Color(f"{series}:N", title=series_title, scale=colour_scale)
    x = alt.X(f"yearmonthdate({period}):O", title=None,
              axis=alt.Axis(format=period_format, labelAngle=0))  # fmt: skip
    y = alt.Y(f"{value}:Q", title=value_title, scale=alt.Scale(zero=False),
              axis=alt.Axis(format=value_format))  # fmt: skip
    tooltip = [
        alt.Tooltip(f"{period}:T", title="Period from", format="%d %b %Y"),
        alt.Tooltip(f"{series}:N", title=series_title),
        alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
        alt.Tooltip(f"{lower}:Q", title="Interval from", format=value_format),
        alt.Tooltip(f"{upper}:Q", title="Interval to", format=value_format),
    ]
    base = alt.Chart(shown).encode(x=x, xOffset=f"{series}:N", color=colour, tooltip=tooltip)
    whiskers = base.mark_rule(strokeWidth=2).encode(y=alt.Y(f"{lower}:Q", title=value_title),
                                                    y2=f"{upper}:Q")  # fmt: skip
    dots = base.mark_circle(size=60, opacity=1).encode(y=y)
    return alt.layer(whiskers, dots).properties(width="container", height=260, autosize=FIT_WIDTH)


SOURCE_COLOURS = {"human": "#1f77b4", "machine": "#ff7f0e"}  # scorecard sources


def comparison_colours(sentences: pd.Series) -> dict[str, str]:
    """A colour for each "against the median" sentence of the scorecard marts: above green,
    below red, not distinguishable blue, too few evaluations to tell light grey."""
    palette = {"above": "#2ca02c", "below": "#d62728", "not": "#4c78a8", "too": "#bbbbbb"}
    return {
        sentence: palette.get(sentence.split(" ", 1)[0], "#4c78a8")
        for sentence in sorted(sentences.dropna().unique())
    }


def interval_text(
    lower: float, upper: float, number_format: str = ".1f", scale: float = 1.0
) -> str:
    """An interval as people read it ("80.9 – 95.9"); a dash where there is none (too few
    values for one)."""
    if pd.isna(lower) or pd.isna(upper):
        return "–"
    return f"{scale * lower:{number_format}} – {scale * upper:{number_format}}"


def interval_texts(
    rows: pd.DataFrame, lower: str, upper: str, number_format: str = ".1f", scale: float = 1.0
) -> list[str]:
    """interval_text of every row, for a table column beside its estimate."""
    return [
        interval_text(low, high, number_format, scale)
        for low, high in zip(rows[lower], rows[upper], strict=True)
    ]
