"""The Coaching and Customer pages, and the Quality overview's targets and recommended
actions, against the real published test warehouse through AppTest: filters live in the
URL and narrow the rows, figures and intervals are the marts', and text from the data is
shown as plain text (never as Markdown)."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from tests.integration.pages import fetch
from tests.integration.pages import page as open_view

pytestmark = pytest.mark.slow

OPPORTUNITY_KEYS = ["agent_id", "source", "behaviour_id"]


def coaching(monkeypatch, warehouse, **query):
    return open_view(monkeypatch, warehouse, "coaching.py", **query)


def customer(monkeypatch, warehouse, **query):
    return open_view(monkeypatch, warehouse, "customer.py", **query)


def frames(app) -> dict[str, pd.DataFrame]:
    """The page's tables, each known by a column only it shows."""
    found = {}
    for frame in (element.value for element in app.dataframe):
        for name, column in (
            ("evidence", "evidence_rank"),
            ("opportunities", "priority_rank"),
            ("effectiveness", "coaching_id"),
            ("latency", "latency_trend"),
            ("drivers", "driver_id"),
            ("deflection", "deflection_rank"),
            ("sites", "compared_unit"),
            ("objectives", "spc_state"),
        ):
            if column in frame.columns:
                found.setdefault(name, frame)
                break
    return found


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(frame[columns].itertuples(index=False, name=None))


def keys(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame[OPPORTUNITY_KEYS].itertuples(index=False)]


def busiest_team(warehouse) -> pd.Series:
    """The team with the most significant opportunities, its site and supervisor."""
    return fetch(
        warehouse,
        "select team_id, any_value(site) as site, any_value(supervisor_id) as supervisor_id,"
        " count(*) as significant from marts.mart_coaching_opportunities"
        " where is_significant group by team_id order by significant desc, team_id limit 1",
    ).iloc[0]


def test_the_team_in_the_url_shows_its_significant_opportunities_in_priority_order(
    monkeypatch, published_warehouse
):
    team = busiest_team(published_warehouse)
    expected = fetch(
        published_warehouse,
        "select agent_id, source, behaviour_id, priority_rank, gap_lower, gap_upper"
        " from marts.mart_coaching_opportunities where is_significant and team_id = ?",
        team["team_id"],
    )
    app = coaching(monkeypatch, published_warehouse, team=team["team_id"])
    assert not app.exception
    shown = frames(app)["opportunities"]
    assert (shown["team_id"] == team["team_id"]).all()
    assert sorted(keys(shown)) == sorted(keys(expected))
    ranked = shown["priority_rank"].dropna().tolist()
    assert ranked == sorted(expected["priority_rank"].dropna().tolist())
    assert shown["priority_rank"].isna().tolist() == sorted(shown["priority_rank"].isna())
    first = expected.set_index(OPPORTUNITY_KEYS).loc[keys(shown)[0]]
    assert shown["gap_interval"].iloc[0] == (
        f"{100 * first['gap_lower']:+.0f} – {100 * first['gap_upper']:+.0f}"
    )
    assert dict(app.query_params) == {
        "site": "all", "team": team["team_id"], "supervisor": "all", "source": "all",
    }  # fmt: skip


def test_site_supervisor_and_source_in_the_url_narrow_every_table(monkeypatch, published_warehouse):
    team = busiest_team(published_warehouse)
    source = fetch(
        published_warehouse,
        "select source from marts.mart_coaching_opportunities where is_significant"
        " and team_id = ? group by source order by count(*) desc, source limit 1",
        team["team_id"],
    )["source"].iloc[0]
    everything = frames(coaching(monkeypatch, published_warehouse))
    app = coaching(
        monkeypatch, published_warehouse, site=team["site"],
        supervisor=team["supervisor_id"], source=source,
    )  # fmt: skip
    assert not app.exception
    shown = frames(app)
    opportunities = shown["opportunities"]
    assert len(opportunities) > 0
    assert (opportunities["site"] == team["site"]).all()
    assert (opportunities["supervisor_id"] == team["supervisor_id"]).all()
    assert (opportunities["source"] == source).all()
    expected = fetch(
        published_warehouse,
        "select agent_id, source, behaviour_id from marts.mart_coaching_opportunities"
        " where is_significant and site = ? and supervisor_id = ? and source = ?",
        team["site"], team["supervisor_id"], source,
    )  # fmt: skip
    assert sorted(keys(opportunities)) == sorted(keys(expected))
    assert len(opportunities) <= len(everything["opportunities"])
    if "evidence" in shown:
        assert set(keys(shown["evidence"])) <= set(keys(opportunities))
    if "latency" in shown:
        assert set(shown["latency"]["coach_id"]) <= {team["supervisor_id"]}
    if source != "friction" and "effectiveness" in shown:
        assert (shown["effectiveness"]["supervisor_id"] == team["supervisor_id"]).all()
        assert (shown["effectiveness"]["source"] == source).all()


def test_a_team_the_site_does_not_have_is_named_and_nothing_shown(monkeypatch, published_warehouse):
    app = coaching(monkeypatch, published_warehouse, team="T99")
    assert not app.exception
    assert ["T99" in warning.value for warning in app.warning] == [True]
    assert not app.dataframe


def test_evidence_quotes_and_sentences_are_shown_as_plain_text(
    monkeypatch, published_warehouse, tmp_path
):
    # A copy of the warehouse whose top opportunity's first quote and sentence hold Markdown
    # and HTML: the page must show the characters, not a link, bold text or a tag.
    copy = tmp_path / "qm.duckdb"
    shutil.copyfile(published_warehouse, copy)  # writable: the published file is 0444
    hostile = "**bold** [click](https://example.com) <b>tag</b> `code` $x$ :red[red]"
    with duckdb.connect(str(copy)) as connection:
        top = connection.execute(
            "select agent_id, source, behaviour_id from marts.mart_coaching_opportunities"
            " where priority_rank = 1 order by team_id limit 1"
        ).fetchone()
        assert top is not None
        connection.execute(
            "update marts.mart_coaching_evidence set quote = ? where agent_id = ? and"
            " source = ? and behaviour_id = ? and evidence_rank = 1",
            [hostile, *top],
        )
        connection.execute(
            "update marts.mart_coaching_opportunities set sentence = ?, agent_name = ?"
            " where agent_id = ? and source = ? and behaviour_id = ?",
            [hostile, "[Agent](https://example.com)", *top],
        )
    app = coaching(monkeypatch, copy)
    assert not app.exception
    said = [block.value for block in app.markdown]
    # A word joiner (U+2060, invisible) before "https" keeps it from becoming a bare link.
    escaped = (
        r"\*\*bold\*\* \[click\]\(" + "\u2060" + r"https\://example\.com\) \<b\>tag\</b\> \`code\`"
        r" \$x\$ \:red\[red\]"
    )
    assert sum(escaped in text for text in said) >= 2  # the sentence and the quote
    assert r"\[Agent\]\(" + "\u2060" + r"https\://example\.com\)" in " ".join(said)
    assert not any("[click](https://example.com)" in text for text in said)
    assert not any("<b>tag</b>" in text for text in said)
    evidence = frames(app)["evidence"]
    assert hostile in set(evidence["quote"])  # tables show the text as it is


def test_coaching_effects_and_latency_are_the_marts(monkeypatch, published_warehouse):
    sessions = fetch(
        published_warehouse,
        "select coaching_id, question_id, source, effect, effect_lower, effect_upper,"
        " has_enough_data from marts.mart_coaching_effectiveness",
    )
    latency = fetch(
        published_warehouse,
        "select coach_id, month_start from marts.mart_coaching_feedback_latency",
    )
    app = coaching(monkeypatch, published_warehouse)
    assert not app.exception
    shown = frames(app)
    assert len(sessions) > 0 and len(latency) > 0
    effect = shown["effectiveness"]
    assert len(effect) == len(sessions)
    merged = effect.merge(sessions, on=["coaching_id", "question_id", "source"],
                          suffixes=("", "_mart"))  # fmt: skip
    assert len(merged) == len(sessions)
    with_interval = merged[merged["effect_lower_mart"].notna()]
    assert len(with_interval) > 0
    expected = [
        f"{100 * low:+.0f} – {100 * high:+.0f}"
        for low, high in zip(with_interval["effect_lower_mart"],
                             with_interval["effect_upper_mart"], strict=True)
    ]  # fmt: skip
    assert with_interval["effect_interval"].tolist() == expected
    clear = with_interval[with_interval["has_enough_data_mart"]]
    assert ((clear["effect_lower_mart"] > 0) == (clear["verdict"] == "better after coaching")).all()
    assert (merged.loc[~merged["has_enough_data_mart"], "verdict"]
            == "not enough data to say").all()  # fmt: skip
    assert len(shown["latency"]) == len(latency)


def test_customer_drivers_of_the_outcome_and_source_in_the_url(monkeypatch, published_warehouse):
    expected = fetch(
        published_warehouse,
        "select driver_id, driver_rank, adjusted_lower, adjusted_upper"
        " from marts.mart_csat_drivers where outcome = 'csat' and source = 'machine'"
        " order by driver_rank nulls last, driver_id",
    )
    app = customer(monkeypatch, published_warehouse, outcome="csat", drivers="machine")
    assert not app.exception
    drivers = frames(app)["drivers"]
    assert drivers["driver_id"].tolist() == expected["driver_id"].tolist()
    assert drivers["adjusted_interval"].tolist() == [
        "–" if pd.isna(low) else f"{low:+.2f} – {high:+.2f}"
        for low, high in zip(expected["adjusted_lower"], expected["adjusted_upper"], strict=True)
    ]
    assert app.query_params["outcome"] == "csat" and app.query_params["drivers"] == "machine"
    resolved = customer(
        monkeypatch, published_warehouse, outcome="customer_reported_resolved",
        drivers="transcript",
    )  # fmt: skip
    assert not resolved.exception
    shown = frames(resolved)["drivers"]
    assert set(shown["outcome"]) == {"customer_reported_resolved"}
    assert set(shown["source"]) == {"transcript"}


def test_customer_trends_come_from_the_registry_and_link_to_their_control_charts(
    monkeypatch, published_warehouse
):
    site = fetch(
        published_warehouse,
        "select min(site) as site from marts.mart_quality_weekly where site <> 'All'",
    )["site"].iloc[0]
    labels = fetch(
        published_warehouse,
        "select metric, label from marts.dim_metrics"
        " where metric in ('customer_sentiment', 'high_friction_rate')",
    ).set_index("metric")["label"]
    app = customer(monkeypatch, published_warehouse, site=site)
    assert not app.exception
    titles = [chart.proto.spec for chart in app.get("vega_lite_chart")]
    assert sum(f'"{labels["customer_sentiment"]}"' in spec for spec in titles) >= 1
    assert sum(f'"{labels["high_friction_rate"]}"' in spec for spec in titles) >= 1
    said = " ".join(block.value for block in app.markdown)
    assert (
        f"(control-chart?metric=customer_sentiment&grain=week&segment_kind=site&segment_value={site})"
        in said
    )


def test_self_service_and_site_comparison_are_the_marts(monkeypatch, published_warehouse):
    reasons = fetch(
        published_warehouse,
        "select contact_reason, is_candidate from marts.mart_deflection_opportunities"
        " order by deflection_rank",
    )
    month = fetch(
        published_warehouse,
        "select period_start from marts.mart_site_comparison where period_grain = 'month'"
        " order by period_start limit 1",
    )["period_start"].iloc[0]
    expected = fetch(
        published_warehouse,
        "select compared_unit, metric, comparison from marts.mart_site_comparison"
        " where period_grain = 'month' and period_start = ?",
        month,
    )
    app = customer(
        monkeypatch, published_warehouse, period=f"{month:%Y-%m-%d}", metric="handle_seconds"
    )
    assert not app.exception
    shown = frames(app)
    assert shown["deflection"]["contact_reason"].tolist() == reasons["contact_reason"].tolist()
    candidates = reasons.loc[reasons["is_candidate"], "contact_reason"]
    said = " ".join(block.value for block in app.markdown)
    assert all(reason.replace("_", r"\_") in said for reason in candidates)
    sites = shown["sites"]
    columns = ["compared_unit", "metric", "comparison"]
    assert rows_of(sites, columns) == rows_of(expected, columns)
    assert app.query_params["period"] == f"{month:%Y-%m-%d}"


def test_overview_lists_the_top_recommended_actions_and_every_targets_latest_status(
    monkeypatch, published_warehouse
):
    actions = fetch(
        published_warehouse,
        "select action_rank, headline from marts.mart_recommended_actions"
        " order by action_rank limit 5",
    )
    latest = fetch(
        published_warehouse,
        "select metric, segment, arg_max(status, period_start) as status"
        " from marts.mart_quality_objectives where grain = 'month' and is_period_complete"
        " group by metric, segment",
    )
    app = open_view(monkeypatch, published_warehouse, "quality_overview.py", targets="month")
    assert not app.exception
    said = [block.value for block in app.markdown]
    from dashboards.charts import plain

    headlines = [text for text in said if text.startswith("**") and "\\. " in text]
    assert headlines == [
        f"**{rank}\\. {plain(headline)}**"
        for rank, headline in zip(actions["action_rank"], actions["headline"], strict=True)
    ]
    objectives = frames(app)["objectives"]
    columns = ["metric", "segment", "status"]
    assert rows_of(objectives, columns) == rows_of(latest, columns)
