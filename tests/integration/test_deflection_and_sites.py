"""Self-service opportunities (mart_deflection_opportunities) and the site / vendor comparison
(mart_site_comparison) on the generated sample, against references computed here: the window,
repeat contacts and first-contact resolution by hand in pandas from fct_interactions,
t-intervals from statsmodels' DescrStatsW, Wilson intervals from proportion_confint, Welch's
difference from CompareMeans, Newcombe's from confint_proportions_2indep; the deflectable
contact reason from the generator's ground truth."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

pytestmark = pytest.mark.slow

VARS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml").read_text()
)["vars"]
ALPHA = 1 - VARS["scorecards"]["confidence"]
TOLERANCE = 1e-9


def close(actual, expected) -> bool:
    """Equal to 1e-9 (relative, or absolute near 0), or both missing."""
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return actual is None or pd.isna(actual)
    if actual is None or pd.isna(actual):
        return False
    if isinstance(expected, bool | np.bool_):
        return bool(actual) == bool(expected)
    return math.isclose(float(actual), float(expected), rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def quantile(degrees_of_freedom: float) -> float:
    """The two-sided quantile the interval macros use: Student t, and the normal beyond 1000
    degrees of freedom (the student_t_quantiles seed's documented convention)."""
    if degrees_of_freedom > 1000:
        return stats.norm.ppf(1 - ALPHA / 2)
    return stats.t.ppf(1 - ALPHA / 2, degrees_of_freedom)


def mean_interval(values: np.ndarray) -> tuple[float, float]:
    """statsmodels' t-interval of the mean (its z-interval beyond 1000 degrees of freedom)."""
    if len(values) < 2:
        return math.nan, math.nan
    description = DescrStatsW(values)
    if len(values) - 1 > 1000:
        return description.zconfint_mean(alpha=ALPHA)
    return description.tconfint_mean(alpha=ALPHA)


def wilson(successes: int, trials: int) -> tuple[float, float]:
    if trials == 0:
        return math.nan, math.nan
    return proportion_confint(successes, trials, alpha=ALPHA, method="wilson")


# --- self-service opportunities -------------------------------------------------------------


@pytest.fixture(scope="module")
def interactions(warehouse) -> pd.DataFrame:
    return warehouse.execute(
        "select interaction_id, contact_reason, customer_id, started_at, is_abandoned,"
        " is_resolved, handle_seconds, friction_score, is_high_friction"
        " from marts.fct_interactions"
    ).df()


@pytest.fixture(scope="module")
def deflection(warehouse) -> pd.DataFrame:
    frame = warehouse.execute("select * from marts.mart_deflection_opportunities").df()
    for column in ("window_start", "window_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.set_index("contact_reason")


def analysis_window(days: pd.Series, weeks: int) -> tuple[dt.date, dt.date, int]:
    """The last `weeks` Monday-to-Sunday weeks lying wholly between the first and last day."""
    first, last = days.min(), days.max()
    mondays = [
        first + dt.timedelta(days=offset)
        for offset in range((last - first).days + 1)
        if (first + dt.timedelta(days=offset)).weekday() == 0
        and first + dt.timedelta(days=offset + 6) <= last
    ][-weeks:]
    return mondays[0], mondays[-1] + dt.timedelta(days=6), len(mondays)


@pytest.fixture(scope="module")
def expected_deflection(interactions) -> pd.DataFrame:
    """Every figure of the mart, by hand: repeat contacts from each customer's next contact,
    intervals from statsmodels, criteria and the rank from those numbers."""
    repeat_days = VARS["conversation"]["repeat_contact_days"]
    containment = VARS["customer"]["self_service_containment"]
    contacts = interactions.assign(day=interactions["started_at"].dt.date)
    start, end, weeks = analysis_window(
        contacts["day"], VARS["customer"]["deflection_window_weeks"]
    )

    ordered = contacts[contacts["customer_id"].notna()].sort_values(
        ["customer_id", "started_at", "interaction_id"]
    )
    next_start = ordered.groupby("customer_id")["started_at"].shift(-1)
    contacts["next_started_at"] = next_start.reindex(contacts.index)
    follow_up = pd.Timedelta(days=repeat_days)
    answered = contacts[
        ~contacts["is_abandoned"] & (contacts["day"] >= start) & (contacts["day"] <= end)
    ].copy()
    answered["observed"] = (
        answered["is_resolved"].notna()
        & answered["customer_id"].notna()
        & (answered["started_at"] + follow_up <= contacts["started_at"].max())
    )
    repeated = answered["next_started_at"].notna() & (
        answered["next_started_at"] <= answered["started_at"] + follow_up
    )
    answered["first_contact_resolved"] = (
        answered["is_resolved"].fillna(False).astype(bool) & ~repeated
    )
    answered["contact_reason"] = answered["contact_reason"].fillna("Unknown")

    observed = answered[answered["observed"]]
    transcripts = answered[answered["is_high_friction"].notna()]
    centre = {
        "handle": answered["handle_seconds"].mean(),
        "resolution": observed["first_contact_resolved"].mean(),
        "friction": transcripts["is_high_friction"].astype(bool).mean(),
        "friction_score": answered["friction_score"].mean(),
    }
    reasons = answered["contact_reason"].nunique()
    rows = []
    for reason, group in answered.groupby("contact_reason"):
        handle = group["handle_seconds"].dropna().to_numpy(dtype=float)
        handle_lower, handle_upper = mean_interval(handle)
        resolved_group = group[group["observed"]]
        resolved = int(resolved_group["first_contact_resolved"].sum())
        resolution_lower, resolution_upper = wilson(resolved, len(resolved_group))
        friction_group = group[group["is_high_friction"].notna()]
        high = int(friction_group["is_high_friction"].astype(bool).sum())
        friction_lower, friction_upper = wilson(high, len(friction_group))
        share = len(group) / len(answered)
        row = {
            "contact_reason": reason,
            "window_start": start,
            "window_end": end,
            "weeks_count": weeks,
            "contacts": len(group),
            "contacts_per_week": len(group) / weeks,
            "share_of_contacts": share,
            "reasons_count": reasons,
            "handled_contacts": len(handle),
            "mean_handle_seconds": handle.mean(),
            "handle_seconds_lower": handle_lower,
            "handle_seconds_upper": handle_upper,
            "centre_mean_handle_seconds": centre["handle"],
            "resolution_contacts": len(resolved_group),
            "first_contact_resolved_count": resolved,
            "first_contact_resolution_rate": resolved / len(resolved_group),
            "first_contact_resolution_rate_lower": resolution_lower,
            "first_contact_resolution_rate_upper": resolution_upper,
            "centre_first_contact_resolution_rate": centre["resolution"],
            "transcript_contacts": len(friction_group),
            "high_friction_count": high,
            "high_friction_rate": high / len(friction_group),
            "high_friction_rate_lower": friction_lower,
            "high_friction_rate_upper": friction_upper,
            "centre_high_friction_rate": centre["friction"],
            "mean_friction_score": group["friction_score"].mean(),
            "centre_mean_friction_score": centre["friction_score"],
            "is_high_volume": share >= 1 / reasons,
            "is_short": bool(handle_upper < centre["handle"]),
            "is_high_resolution": bool(resolution_lower > centre["resolution"]),
            "is_low_friction": bool(friction_upper < centre["friction"]),
            "agent_hours_per_week": len(group) / weeks * handle.mean() / 3600 * containment,
        }
        row["is_candidate"] = all(
            row[flag]
            for flag in ("is_high_volume", "is_short", "is_high_resolution", "is_low_friction")
        )
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(
        ["is_candidate", "agent_hours_per_week", "contact_reason"], ascending=[False, False, True]
    )
    frame["deflection_rank"] = range(1, len(frame) + 1)
    return frame.set_index("contact_reason")


def test_deflection_has_one_row_per_answered_contact_reason(deflection, expected_deflection):
    assert sorted(deflection.index) == sorted(expected_deflection.index)


def test_deflection_figures_and_intervals_match_a_hand_computation(deflection, expected_deflection):
    mismatches = [
        (reason, column, deflection.at[reason, column], expected)
        for reason, row in expected_deflection.iterrows()
        for column, expected in row.items()
        if not (
            deflection.at[reason, column] == expected
            if isinstance(expected, dt.date)
            else close(deflection.at[reason, column], expected)
        )
    ]
    assert not mismatches, mismatches[:10]


def test_the_generators_deflectable_reason_is_the_first_and_only_candidate(deflection, truth):
    reason = truth["deflectable_reason"]
    assert deflection["deflection_rank"].idxmin() == reason
    assert deflection.index[deflection["is_candidate"]].tolist() == [reason]
    assert deflection.loc[
        reason, ["is_high_volume", "is_short", "is_high_resolution", "is_low_friction"]
    ].all()


def test_a_candidates_sentence_states_the_hours_saved_and_the_others_the_criteria_missed(
    deflection,
):
    for reason, row in deflection.iterrows():
        if row["is_candidate"]:
            assert f"about {row['agent_hours_per_week']:.1f} agent hours a week" in row["sentence"]
        else:
            assert "not a candidate" in row["sentence"]
            missed = {
                "is_high_volume": "volume not high",
                "is_short": "handle time not clearly short",
                "is_high_resolution": "first-contact resolution not clearly high",
                "is_low_friction": "friction not clearly low",
            }
            for flag, words in missed.items():
                assert (words in row["sentence"]) == (not row[flag]), (reason, flag)


# --- sites and vendors ------------------------------------------------------------------------


def site_metrics() -> list[dict]:
    """The registry's metrics the comparison covers: charted by site, without sub-series."""
    return [
        metric
        for metric in VARS["metrics"]
        if not metric.get("detail") and "site" in metric["segments"]
    ]


@pytest.fixture(scope="module")
def site_comparison(warehouse) -> pd.DataFrame:
    frame = warehouse.execute("select * from marts.mart_site_comparison").df()
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.set_index(
        ["comparison_level", "compared_unit", "metric", "period_grain", "period_start"]
    )


@pytest.fixture(scope="module")
def expected_sites(warehouse) -> pd.DataFrame:
    """Per site (and vendor of several sites) × metric × period, the unit's and the rest's
    value and interval and the difference's interval, from int_metric_observations."""
    observations = warehouse.execute(
        "select metric, observed_at, arrived_at, value, site"
        " from intermediate.int_metric_observations where metric_detail = ''"
    ).df()
    roster = warehouse.execute(
        "select site, vendor from marts.dim_agents where site is not null"
    ).df()
    first_date = observations["observed_at"].dt.date.min()
    as_of = observations["arrived_at"].dt.date.max()
    site_vendor = roster.groupby("site")["vendor"].agg(lambda vendors: vendors.dropna().max())
    units = [("site", site, [site]) for site in site_vendor.index]
    vendor_sites = site_vendor.dropna().groupby(site_vendor.dropna()).groups
    units += [
        ("vendor", vendor, list(sites)) for vendor, sites in vendor_sites.items() if len(sites) > 1
    ]
    recent_days = VARS["customer"]["site_comparison_days"]

    rows = []
    for metric in site_metrics():
        frame = observations[observations["metric"] == metric["metric"]]
        day = frame["observed_at"].dt.date
        month_start = frame["observed_at"].dt.to_period("M")
        periods = [
            (
                "month",
                period.start_time.date(),
                period.end_time.date(),
                frame[month_start == period],
            )
            for period in sorted(month_start.unique())
        ]
        recent_end = as_of - dt.timedelta(days=metric["complete_after_days"])
        recent_start = recent_end - dt.timedelta(days=recent_days - 1)
        periods.append(
            ("recent", recent_start, recent_end, frame[(day >= recent_start) & (day <= recent_end)])
        )
        for grain, start, end, period_frame in periods:
            for level, unit, sites in units:
                inside = period_frame["site"].isin(sites)
                own = period_frame.loc[inside, "value"].to_numpy(dtype=float)
                rest = period_frame.loc[~inside, "value"].to_numpy(dtype=float)
                if len(own) == 0:
                    continue
                rows.append(
                    {
                        "comparison_level": level,
                        "compared_unit": unit,
                        "metric": metric["metric"],
                        "period_grain": grain,
                        "period_start": start,
                        "period_end": end,
                        "is_period_complete": start >= first_date
                        and end + dt.timedelta(days=metric["complete_after_days"]) <= as_of,
                        "vendor": site_vendor.get(unit) if level == "site" else unit,
                        "direction": metric["direction"],
                        **compare(own, rest, metric["chart"] == "p"),
                    }
                )
    return pd.DataFrame(rows).set_index(
        ["comparison_level", "compared_unit", "metric", "period_grain", "period_start"]
    )


def compare(own: np.ndarray, rest: np.ndarray, is_proportion: bool) -> dict:
    """Values, intervals and the difference's interval of two independent samples."""
    nan = math.nan
    result = {
        "units": len(own),
        "value": own.mean(),
        "rest_units": len(rest),
        "rest_value": rest.mean() if len(rest) else nan,
        "difference": own.mean() - rest.mean() if len(rest) else nan,
        "difference_lower": nan,
        "difference_upper": nan,
    }
    if is_proportion:
        own_count, rest_count = int(own.sum()), int(rest.sum())
        result["value_lower"], result["value_upper"] = wilson(own_count, len(own))
        result["rest_value_lower"], result["rest_value_upper"] = wilson(rest_count, len(rest))
        if len(rest):
            result["difference_lower"], result["difference_upper"] = confint_proportions_2indep(
                own_count, len(own), rest_count, len(rest), method="newcomb", alpha=ALPHA
            )
        return result
    result["value_lower"], result["value_upper"] = mean_interval(own)
    result["rest_value_lower"], result["rest_value_upper"] = mean_interval(rest)
    if len(own) >= 2 and len(rest) >= 2 and (own.std() > 0 or rest.std() > 0):
        compared = CompareMeans(DescrStatsW(own), DescrStatsW(rest))
        freedom = compared.dof_satt()
        # the seed holds whole degrees of freedom: rounded down, as the textbook t table
        half = quantile(math.floor(freedom + 1e-9)) * compared.std_meandiff_separatevar
        result["difference_lower"] = result["difference"] - half
        result["difference_upper"] = result["difference"] + half
    return result


def test_site_comparison_has_a_row_per_site_metric_and_period_and_vendor_rows_only_for_several_sites(
    site_comparison, expected_sites
):
    assert sorted(site_comparison.index) == sorted(expected_sites.index)


def test_site_values_intervals_and_differences_match_statsmodels(site_comparison, expected_sites):
    columns = [
        "units", "value", "value_lower", "value_upper", "rest_units", "rest_value",
        "rest_value_lower", "rest_value_upper", "difference", "difference_lower",
        "difference_upper", "is_period_complete",
    ]  # fmt: skip
    mismatches = [
        (key, column, site_comparison.at[key, column], expected[column])
        for key, expected in expected_sites.iterrows()
        for column in columns
        if not close(site_comparison.at[key, column], expected[column])
    ]
    assert not mismatches, mismatches[:10]
    assert (
        site_comparison["period_end"] == expected_sites["period_end"].reindex(site_comparison.index)
    ).all()


def test_a_site_carries_its_vendor_and_in_house_sites_say_so(site_comparison, expected_sites):
    sites = site_comparison.xs("site", level="comparison_level")
    expected = expected_sites.xs("site", level="comparison_level")["vendor"].reindex(sites.index)
    assert (sites["vendor"].astype(object).fillna("") == expected.astype(object).fillna("")).all()
    assert (sites["is_outsourced"] == expected.notna()).all()
    for (unit, *_), row in sites.iterrows():
        vendor = row["vendor"] if pd.notna(row["vendor"]) else "in-house"
        assert row["note"].startswith(f"{unit} ({vendor}): {row['metric_label']} ")


def test_the_note_says_within_noise_exactly_when_the_difference_interval_holds_zero(
    site_comparison, expected_sites
):
    for key, expected in expected_sites.iterrows():
        row = site_comparison.loc[key]
        has_interval = not math.isnan(expected["difference_lower"])
        holds_zero = (
            has_interval and expected["difference_lower"] <= 0 <= expected["difference_upper"]
        )
        assert ("within noise" in row["note"]) == holds_zero, (key, row["note"])
        assert (
            bool(row["is_within_noise"]) == holds_zero
            if has_interval
            else pd.isna(row["is_within_noise"])
        )
        if expected["direction"] == "higher":
            better = has_interval and expected["difference_lower"] > 0
        else:
            better = has_interval and expected["difference_upper"] < 0
        worse = has_interval and not holds_zero and not better
        assert (row["is_better"], row["is_worse"]) == (better, worse), key
        if better or worse:
            assert re.search(r" — (better|worse) \(difference ", row["note"]), row["note"]
        if not has_interval:
            assert "to tell" in row["note"], row["note"]
