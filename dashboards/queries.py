"""The one place dashboards read the warehouse: read-only, short-lived connections.

Results are cached by query, parameters and the published file's modification time, so a
newly published warehouse is picked up at once and connections are never cached.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from orchestration import settings
from orchestration.publish import read_published
from orchestration.validation import data_docs_index


class WarehouseMissing(RuntimeError):
    """No published warehouse yet."""


class WarehouseUnreadable(RuntimeError):
    """The published file exists but DuckDB cannot open it (empty, not a DuckDB file, a
    newer DuckDB's format): every page shows this one message (dashboards/app.py)."""


def warehouse_path() -> Path:
    return settings.published_warehouse()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(sql: str, params: tuple, path: str, modified_ns: int) -> pd.DataFrame:
    del modified_ns  # part of the cache key only

    def unreadable(error: duckdb.Error) -> WarehouseUnreadable:
        # opening, not querying: the file itself is the problem
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return WarehouseUnreadable(
            f"{path} is not a DuckDB warehouse ({reason}); rebuild it with `qm run`"
        )

    return read_published(
        Path(path), lambda connection: connection.execute(sql, list(params)).df(), unreadable
    )


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = warehouse_path()
    if not path.exists():
        raise WarehouseMissing(str(path))
    return _cached_query(sql, tuple(params), str(path), path.stat().st_mtime_ns)


def metrics() -> pd.DataFrame:
    """The metric registry (labels, formats, directions), in its order."""
    return query(
        "select metric, label, description, format, unit, direction, units, events,"
        " is_on_overview from marts.dim_metrics order by position"
    )


def segment_options() -> pd.DataFrame:
    """Every (site, team, channel) cell of the weekly mart, for the filters."""
    return query(
        "select distinct site, team_id, team_name, channel from marts.mart_quality_weekly"
        " order by site, team_name, channel"
    )


def quality_weekly(site: str, team_id: str, channel: str) -> pd.DataFrame:
    """Every metric's weekly rows for one cell."""
    return query(
        "select week_start, iso_year, iso_week, metric, value, units, target, target_direction,"
        " is_target_met, is_complete_week from marts.mart_quality_weekly"
        " where site = ? and team_id = ? and channel = ? order by metric, week_start",
        (site, team_id, channel),
    )


ATTENTION_COLUMNS = """
    series_id, level, rank, folded_under_series_id, explained_share, metric, metric_label,
    coalesce(metric_detail, '') as metric_detail, grain, segment_kind, segment_value,
    segment_label, team_id, team_name, window_start, window_end, baseline_value, window_value,
    change, is_worse, units_per_week, events_per_week, impact, p_value, q_value,
    level_series_tested, false_discovery_rate, window_rules_fired, driven_by_agent_id,
    sentence
"""
POINT_COLUMNS = """
    series_id, metric, metric_detail, grain, segment_kind, segment_value, chart_type, chart,
    stage, stage_started_on, stage_started_by, subgroup_start, subgroup_end, n, value, center,
    lcl, ucl, in_baseline, is_provisional, zone, sigma_z, chart_choice_reason,
    limits_explanation, rules_fired, target
"""


def needs_attention() -> pd.DataFrame:
    """The items on the attention list, ranked within their level."""
    return query(
        f"select {ATTENTION_COLUMNS} from marts.mart_spc_attention"
        " order by level desc, rank nulls last, q_value, series_id"
    )


def attention_summary() -> pd.DataFrame:
    """Per level: series, series tested, series listed, and the false discovery rate."""
    return query(
        "select level, series_count, tested_count, listed_count, false_discovery_rate"
        " from marts.mart_spc_attention_summary"
    )


def people() -> pd.DataFrame:
    """Agents and their current team, with names: what pickers and titles show beside ids."""
    return query(
        "select agent_id, agent_name, team_id, team_name from marts.dim_agents"
        " where is_current order by agent_id"
    )


def run_history() -> pd.DataFrame:
    """The pipeline's runs, oldest first, as `qm run` records them beside the published
    file (settings.runs_log): published or not, so a failed run shows too."""
    path = settings.runs_log()
    if not path.exists():
        return pd.DataFrame(
            columns=["run_id", "started_at", "seconds", "published", "failed", "empty_exports"]
        )
    runs = pd.read_json(path, lines=True, convert_dates=["started_at"])
    return runs.sort_values("started_at")


def data_docs_url() -> str | None:
    """Where `qm dashboard` serves the Data Docs (QM_DATA_DOCS_URL), if it does."""
    return os.environ.get("QM_DATA_DOCS_URL")


def data_docs_site() -> Path | None:
    """The folder of the Great Expectations Data Docs, when they were built."""
    index = data_docs_index(settings.validation_dir())
    return index.parent if index.exists() else None


def source_freshness() -> pd.DataFrame:
    """Per export: the latest file and its age limits (mart_source_freshness)."""
    return query(
        "select export, files_count, last_file, last_ingested_at, rows_loaded, rows_quarantined,"
        " warn_after_hours, error_after_hours from marts.mart_source_freshness order by export"
    )


def ingested_files() -> pd.DataFrame:
    """Every landed file, newest first, with its rows and quarantine reasons."""
    return query(
        "select ingested_at, export, source_file, rows_in, rows_loaded, rows_quarantined,"
        " quarantine_reasons from marts.mart_ingested_files order by load_sequence desc"
    )


def validation_results() -> pd.DataFrame:
    """The Great Expectations results of the run that published the warehouse, per suite."""
    return query(
        "select suite_name, table_name, is_success, evaluated_expectations,"
        " failed_expectations, failures, validated_at from qm_meta.validation_results"
        " where run_id = (select run_id from qm_meta.validation_results"
        "   order by validated_at desc limit 1)"
        " order by is_success, suite_name"
    )


def spc_series() -> pd.DataFrame:
    """Every charted series, for the pickers."""
    return query(
        "select series_id, metric, metric_detail, grain, segment_kind, segment_value"
        " from marts.mart_spc_series"
        " order by metric, metric_detail, grain, segment_kind, segment_value"
    )


def spc_points(series_id: str) -> pd.DataFrame:
    return query(
        f"select {POINT_COLUMNS} from marts.mart_spc_chart_points where series_id = ?"
        " order by chart, subgroup_start",
        (series_id,),
    )


def spc_signals(series_id: str) -> pd.DataFrame:
    return query(
        "select subgroup_start, chart, rule, rule_description, value, center, lcl, ucl"
        " from marts.mart_spc_signals where series_id = ? order by subgroup_start desc, rule",
        (series_id,),
    )


# Per-interaction signals (fct_interactions), as the interaction pages show them.
SIGNAL_COLUMNS = """
    customer_sentiment_start, customer_sentiment_end, customer_sentiment_min,
    customer_sentiment_mean, customer_sentiment_change, agent_sentiment_mean, friction_score,
    is_high_friction, has_escalation_request, has_repetition, has_long_hold, has_transfer,
    has_dead_air, dead_air_seconds, is_repeat_contact, has_negative_ending, anger_cues,
    frustration_cues, confusion_cues, gratitude_cues, machine_score, is_machine_critical_fail
"""
SEGMENT_COLUMNS = {"site": "site", "team": "team_id", "queue": "queue", "channel": "channel",
                   "agent": "agent_id"}  # fmt: skip
INTERACTION_FLAGS = {
    "high_friction": "is_high_friction",
    "negative_ending": "has_negative_ending",
    "escalation": "has_escalation_request",
    "repetition": "has_repetition",
    "transfer": "has_transfer",
    "dead_air": "has_dead_air",
    "repeat_contact": "is_repeat_contact",
    "machine_critical_fail": "is_machine_critical_fail",
}


def interactions(
    segment_kind: str,
    segment_value: str,
    start: dt.date,
    end: dt.date,
    flag: str | None,
    limit: int = 500,
) -> pd.DataFrame:
    """Handled contacts of a segment and date range (one flag set, if asked), those with
    the most friction first."""
    where = ["interaction_date between ? and ?", "not is_abandoned"]
    params: list = [start, end]
    if segment_kind != "all":
        where.append(f"{SEGMENT_COLUMNS[segment_kind]} = ?")
        params.append(segment_value)
    if flag:
        where.append(INTERACTION_FLAGS[flag])
    return query(
        "select interaction_id, started_at, channel, queue, contact_reason, agent_id,"
        f" team_name, handle_seconds, csat, {SIGNAL_COLUMNS} from marts.fct_interactions"
        f" where {' and '.join(where)}"
        " order by friction_score desc nulls last, started_at desc limit ?",
        (*params, limit),
    )


def segment_values(segment_kind: str) -> list[str]:
    """Every value of a segment kind among handled contacts, for the pickers."""
    column = SEGMENT_COLUMNS[segment_kind]
    rows = query(
        f"select distinct {column} as value from marts.fct_interactions"
        f" where not is_abandoned and {column} is not null order by 1"
    )
    return rows["value"].tolist()


def interaction_dates() -> pd.DataFrame:
    """First and last day of handled contacts, for the date pickers."""
    return query(
        "select min(interaction_date) as first_day, max(interaction_date) as last_day"
        " from marts.fct_interactions where not is_abandoned"
    )


def interaction(interaction_id: str) -> pd.DataFrame:
    """One contact with its agent, survey and conversation signals (zero or one row)."""
    return query(
        "select interaction_id, channel, direction, queue, contact_reason, agent_id, team_id,"
        " team_name, site, customer_id, started_at, ended_at, handle_seconds, hold_seconds,"
        " hold_count, transfer_count, is_resolved, csat, is_abandoned,"
        f" {SIGNAL_COLUMNS} from marts.fct_interactions where interaction_id = ?",
        (interaction_id,),
    )


def transcript(interaction_id: str) -> pd.DataFrame:
    """The contact's turns (text redacted at ingest) with their sentiment and cues."""
    return query(
        "select turn_index, turn_number, speaker, begin_seconds, turn_text, sentiment, cues,"
        " machine_evidence_for"
        " from marts.fct_transcript_turns where interaction_id = ? order by turn_index",
        (interaction_id,),
    )


def interaction_answers(interaction_id: str) -> pd.DataFrame:
    """Every answer given about the contact, machine and people, with the machine's
    evidence (the turn and the text it matched)."""
    return query(
        "select evaluation_type, evaluator_id, evaluation_id, question_id, answer, is_na,"
        " is_failed, is_critical_miss, evidence_turn_index, evidence_text, answer_comment"
        " from marts.fct_evaluation_answers where interaction_id = ?"
        " order by evaluation_type = 'auto' desc, evaluation_id, question_id",
        (interaction_id,),
    )


# Scorecards (marts/scorecards): how far each score can be trusted.
SCORECARD_COLUMNS = """
    confidence_level, period_start, period_end, source, evaluations_count, mean_score, mean_score_lower,
    mean_score_upper, critical_fail_count, critical_fail_rate, critical_fail_rate_lower,
    critical_fail_rate_upper, previous_mean_score, mean_score_change, mean_score_change_lower,
    mean_score_change_upper, is_mean_score_change_distinguishable, queue_evaluations_count,
    queue_weighted_mean_score, queue_weighted_mean_score_lower, queue_weighted_mean_score_upper
"""


def scorecard_periods(grain: str, source: str) -> pd.DataFrame:
    """Every period of a grain with a scorecard of the source, newest first, and whether its
    evaluations have all landed."""
    return query(
        "select distinct period_start, is_period_complete from marts.mart_team_scorecard"
        " where period_grain = ? and source = ? order by period_start desc",
        (grain, source),
    )


def team_scorecards(grain: str, source: str, period_start: dt.date) -> pd.DataFrame:
    """Every team's scorecard of one period, best first."""
    return query(
        f"select team_id, team_name, site, agents_count, {SCORECARD_COLUMNS},"
        " rank_in_centre, centre_median_score, centre_median_comparison"
        " from marts.mart_team_scorecard"
        " where period_grain = ? and source = ? and period_start = ?"
        " order by mean_score desc nulls last, team_id",
        (grain, source, period_start),
    )


def agent_scorecards(
    grain: str, source: str, period_start: dt.date, team_id: str | None
) -> pd.DataFrame:
    """Every agent's scorecard of one period (of one team, if given), best first."""
    where = "period_grain = ? and source = ? and period_start = ?"
    params: list = [grain, source, period_start]
    if team_id:
        where += " and team_id = ?"
        params.append(team_id)
    return query(
        f"select agent_id, agent_name, team_id, team_name, {SCORECARD_COLUMNS},"
        " rank_in_team, team_agents_count, team_median_score, team_median_comparison"
        f" from marts.mart_agent_scorecard where {where}"
        " order by team_name, mean_score desc nulls last, agent_id",
        tuple(params),
    )


def agent_scorecard_history(agent_id: str, grain: str) -> pd.DataFrame:
    """One agent's scorecards over time, human and machine."""
    return query(
        f"select agent_id, agent_name, team_id, team_name, {SCORECARD_COLUMNS},"
        " rank_in_team, team_agents_count, team_median_score, team_median_comparison"
        " from marts.mart_agent_scorecard where agent_id = ? and period_grain = ?"
        " order by period_start, source",
        (agent_id, grain),
    )


def question_pass_rates(
    segment_kind: str, segment_value: str, grain: str, source: str, period_start: dt.date
) -> pd.DataFrame:
    """Pass rate of each question for one agent or team and period, form order."""
    return query(
        "select form_id, question_id, question_text, critical_level, answered_count,"
        " passed_count, failed_count, pass_rate, pass_rate_lower, pass_rate_upper"
        " from marts.mart_scorecard_questions where segment_kind = ? and segment_value = ?"
        " and period_grain = ? and source = ? and period_start = ?"
        " order by form_id, section_position, question_position",
        (segment_kind, segment_value, grain, source, period_start),
    )


def latest_evaluations(agent_id: str, evaluation_type: str, limit: int = 15) -> pd.DataFrame:
    """An agent's latest evaluations of one type (standard: people; auto: the machine)."""
    return query(
        "select evaluation_id, interaction_id, evaluation_type, evaluator_id, submitted_at,"
        " attributed_at, channel, score, is_critical_fail, failed_questions_count,"
        " revisions_count from marts.fct_evaluations"
        " where agent_id = ? and evaluation_type = ?"
        " order by attributed_at desc, evaluation_id limit ?",
        (agent_id, evaluation_type, limit),
    )


# Calibration (marts/scorecards): evaluators and the machine measured against each other.
# A question reads as its text in the latest form version that carries it.
QUESTION_TEXT = """
    coalesce((select question_text from marts.dim_questions as questions
              where questions.form_id = rows.form_id and questions.question_id = rows.question_id
              order by form_version desc limit 1), rows.question_id) as question_text
"""


def calibration_forms() -> list[str]:
    """Forms with calibration evaluations, for the picker."""
    rows = query("select distinct form_id from marts.mart_calibration_evaluators order by 1")
    return rows["form_id"].tolist()


def calibration_evaluators(form_id: str) -> pd.DataFrame:
    """Each evaluator's deviation from the others on the calibration contacts, most lenient
    first."""
    return query(
        "select evaluator_id, confidence_level, calibration_contacts_count, mean_score,"
        " mean_consensus_score, mean_deviation, mean_deviation_lower, mean_deviation_upper,"
        " evaluators_compared, adjusted_confidence_level, adjusted_lower, adjusted_upper,"
        " is_significant, direction from marts.mart_calibration_evaluators"
        " where form_id = ? order by mean_deviation desc nulls last, evaluator_id",
        (form_id,),
    )


def calibration_agreement(form_id: str) -> pd.DataFrame:
    """Agreement between evaluators per question (Fleiss' κ, Krippendorff's α), the
    evaluation's total score last."""
    return query(
        f"select question_id, {QUESTION_TEXT}, question_type, confidence_level, units_count,"
        " evaluators_count, fleiss_kappa, fleiss_kappa_lower, fleiss_kappa_upper,"
        " krippendorff_alpha, krippendorff_alpha_lower, krippendorff_alpha_upper"
        " from marts.mart_calibration as rows where form_id = ?"
        " order by question_id = 'evaluation_score', fleiss_kappa nulls last, question_id",
        (form_id,),
    )


def machine_agreement(form_id: str) -> pd.DataFrame:
    """Machine against people per question (Cohen's κ), least agreement first."""
    return query(
        f"select question_id, {QUESTION_TEXT}, pairs_count, observed_agreement, kappa,"
        " kappa_lower_95, kappa_upper_95 from marts.mart_machine_agreement as rows"
        " where form_id = ? order by kappa nulls last, question_id",
        (form_id,),
    )


def evaluator_disputes(form_id: str) -> pd.DataFrame:
    """Dispute and overturn rates of each evaluator's evaluations."""
    return query(
        "select evaluator_id, confidence_level, evaluations_count, disputed_count, dispute_rate,"
        " dispute_rate_lower, dispute_rate_upper, overturned_count, overturn_rate,"
        " overturn_rate_lower, overturn_rate_upper from marts.mart_disputes"
        " where level = 'evaluator' and form_id = ? order by dispute_rate desc, evaluator_id",
        (form_id,),
    )


def evaluation_coverage(week_start: dt.date, team_id: str | None) -> pd.DataFrame:
    """Each agent's share of contacts scored by people and by the machine in one week, and
    the people's evaluations planned for the week after."""
    where = "coverage.week_start = ?"
    params: list = [week_start]
    if team_id:
        where += " and agents.team_id = ?"
        params.append(team_id)
    return query(
        "select coverage.agent_id, agents.agent_name, agents.team_name,"
        " coverage.interactions_count, coverage.human_evaluated_count,"
        " coverage.human_evaluated_share, coverage.machine_scored_share,"
        " coverage.plan_sd, coverage.plan_sd_source, coverage.plan_half_width,"
        " coverage.human_evaluations_needed_next_week, coverage.is_plan_capped,"
        " coverage.plan_expected_half_width"
        " from marts.mart_evaluation_coverage as coverage"
        " left join marts.dim_agents as agents on coverage.agent_id = agents.agent_id"
        " and agents.is_current"
        f" where {where} order by agents.team_name, coverage.agent_id",
        tuple(params),
    )


# Coaching (marts/coaching): who to coach on what, with evidence, and whether it worked.
OPPORTUNITY_COLUMNS = """
    agent_id, agent_name, team_id, team_name, supervisor_id, site, vendor, source,
    behaviour_id, behaviour_label, window_start, window_end, agent_units, agent_misses,
    agent_miss_rate, agent_miss_lower, agent_miss_upper, peer_units, peer_miss_rate,
    peer_miss_lower, peer_miss_upper, gap, gap_lower, gap_upper, p_value, q_value,
    tests_in_team, is_tested, is_significant, contacts_per_week, expected_csat_points_per_week,
    expected_resolutions_per_week, last_coached_at, is_recently_coached, priority_rank, sentence
"""


def coaching_roster() -> pd.DataFrame:
    """Current agents' site, team and supervisor, for the coaching filters."""
    return query(
        "select agent_id, agent_name, team_id, team_name, supervisor_id, site, vendor"
        " from marts.dim_agents where is_current order by site, team_id, agent_id"
    )


def _coaching_where(
    site: str | None, team_id: str | None, supervisor_id: str | None, alias: str = ""
) -> tuple[str, list]:
    """Filters on site, team and supervisor (None: any), as a where clause and parameters."""
    where, params = [], []
    for column, value in (("site", site), ("team_id", team_id), ("supervisor_id", supervisor_id)):
        if value is not None:
            where.append(f"{alias}{column} = ?")
            params.append(value)
    return " and ".join(where) or "true", params


def coaching_opportunities(
    site: str | None, team_id: str | None, supervisor_id: str | None, source: str | None
) -> pd.DataFrame:
    """Agents missing a behaviour beyond chance across their team: those proposed first in
    priority order, then those already coached on it recently (marked, not proposed)."""
    where, params = _coaching_where(site, team_id, supervisor_id)
    if source is not None:
        where += " and source = ?"
        params.append(source)
    return query(
        f"select {OPPORTUNITY_COLUMNS} from marts.mart_coaching_opportunities"
        f" where is_significant and {where}"
        " order by priority_rank nulls last, expected_csat_points_per_week desc nulls last,"
        " gap desc, agent_id, source, behaviour_id",
        tuple(params),
    )


def coaching_tests(
    site: str | None, team_id: str | None, supervisor_id: str | None, source: str | None
) -> pd.DataFrame:
    """How many agent × behaviour rows were tested and how many came out significant."""
    where, params = _coaching_where(site, team_id, supervisor_id)
    if source is not None:
        where += " and source = ?"
        params.append(source)
    return query(
        "select count(*) as rows_count, count(*) filter (where is_tested) as tested_count,"
        " count(*) filter (where is_significant) as significant_count,"
        " min(window_start) as window_start, max(window_end) as window_end"
        f" from marts.mart_coaching_opportunities where {where}",
        tuple(params),
    )


def coaching_evidence(
    site: str | None, team_id: str | None, supervisor_id: str | None, source: str | None
) -> pd.DataFrame:
    """The evidence contacts (quote, turn, link) of the significant opportunities."""
    where, params = _coaching_where(site, team_id, supervisor_id, "opportunities.")
    if source is not None:
        where += " and opportunities.source = ?"
        params.append(source)
    return query(
        "select evidence.agent_id, opportunities.agent_name, evidence.team_id,"
        " evidence.source, evidence.behaviour_id, opportunities.behaviour_label,"
        " opportunities.priority_rank, evidence.evidence_rank, evidence.interaction_id,"
        " evidence.evaluation_id, evidence.observed_at, evidence.evidence_turn_index,"
        " evidence.quote, evidence.link"
        " from marts.mart_coaching_evidence as evidence"
        " inner join marts.mart_coaching_opportunities as opportunities"
        " on evidence.agent_id = opportunities.agent_id"
        " and evidence.team_id = opportunities.team_id"
        " and evidence.source = opportunities.source"
        " and evidence.behaviour_id = opportunities.behaviour_id"
        f" where opportunities.is_significant and {where}"
        " order by opportunities.priority_rank nulls last, evidence.agent_id,"
        " evidence.source, evidence.behaviour_id, evidence.evidence_rank",
        tuple(params),
    )


def coaching_effectiveness(
    site: str | None, team_id: str | None, supervisor_id: str | None, source: str | None
) -> pd.DataFrame:
    """Each coaching session's effect on the coached question (difference in differences),
    newest first; the site is the team's (dim_agents)."""
    where, params = _coaching_where(None, team_id, supervisor_id, "effect.")
    if site is not None:
        where += (
            " and effect.team_id in (select team_id from marts.dim_agents"
            " where is_current and site = ?)"
        )
        params.append(site)
    if source is not None:
        where += " and effect.source = ?"
        params.append(source)
    return query(
        "select coaching_id, question_id, question_text, source, agent_id, agent_name,"
        " team_id, supervisor_id, coach_id, held_at, before_start, before_end, after_start,"
        " after_end, is_after_window_complete, agent_before_answers, agent_before_pass_rate,"
        " agent_after_answers, agent_after_pass_rate, control_agents, control_before_answers,"
        " control_before_pass_rate, control_after_answers, control_after_pass_rate, effect,"
        " effect_lower, effect_upper, is_within_noise, has_enough_data,"
        " evidence_evaluation_id, feedback_latency_days, sentence"
        f" from marts.mart_coaching_effectiveness as effect where {where}"
        " order by held_at desc, agent_id, question_id, source",
        tuple(params),
    )


def coaching_feedback_latency(coach_ids: list[str] | None) -> pd.DataFrame:
    """Each coach's mean feedback latency per month with its interval and trend."""
    where, params = "true", []
    if coach_ids is not None:
        where = f"coach_id in ({', '.join('?' for _ in coach_ids) or 'null'})"
        params = list(coach_ids)
    return query(
        "select coach_id, month_start, sessions, sessions_with_evidence, mean_latency_days,"
        " mean_latency_days_lower, mean_latency_days_upper, median_latency_days,"
        " latency_sd_days, previous_month_start, previous_mean_latency_days,"
        " latency_change_days, latency_change_lower, latency_change_upper, latency_trend"
        f" from marts.mart_coaching_feedback_latency where {where}"
        " order by coach_id, month_start",
        tuple(params),
    )


# Customer (marts/customer): what moves CSAT, what self-service could take, sites and vendors.
def csat_drivers(outcome: str, source: str) -> pd.DataFrame:
    """Drivers of one outcome as one source sees them, strongest adjusted effect first."""
    return query(
        "select outcome, source, driver_kind, driver_id, driver_label, met_meaning, contacts,"
        " contacts_met, contacts_not_met, outcome_met, outcome_not_met, difference,"
        " difference_lower, difference_upper, adjusted_effect, adjusted_lower, adjusted_upper,"
        " adjusted_p_value, is_within_noise, driver_rank, observations_in_model, sentence"
        " from marts.mart_csat_drivers where outcome = ? and source = ?"
        " order by driver_rank nulls last, driver_id",
        (outcome, source),
    )


def csat_driver_sources() -> pd.DataFrame:
    """Every outcome × source with drivers, for the pickers."""
    return query("select distinct outcome, source from marts.mart_csat_drivers order by 1, 2")


def deflection_opportunities() -> pd.DataFrame:
    """Contact reasons, self-service candidates first, by agent hours a week to save."""
    return query(
        "select contact_reason, deflection_rank, is_candidate, window_start, window_end,"
        " weeks_count, confidence_level, contacts, contacts_per_week, share_of_contacts,"
        " mean_handle_seconds, handle_seconds_lower, handle_seconds_upper,"
        " centre_mean_handle_seconds, first_contact_resolution_rate,"
        " first_contact_resolution_rate_lower, first_contact_resolution_rate_upper,"
        " centre_first_contact_resolution_rate, high_friction_rate, high_friction_rate_lower,"
        " high_friction_rate_upper, centre_high_friction_rate, is_high_volume, is_short,"
        " is_high_resolution, is_low_friction, self_service_containment,"
        " agent_hours_per_week, sentence"
        " from marts.mart_deflection_opportunities order by deflection_rank",
    )


def site_comparison_periods() -> pd.DataFrame:
    """The periods of the site comparison, the recent window first, then months newest
    first, and whether each is complete."""
    return query(
        "select period_grain, period_start, period_end,"
        " bool_and(is_period_complete) as is_period_complete"
        " from marts.mart_site_comparison group by period_grain, period_start, period_end"
        " order by case period_grain when 'recent' then 0 else 1 end, period_start desc"
    )


def site_comparison(period_grain: str, period_start: dt.date) -> pd.DataFrame:
    """Every site and vendor against the rest of the centre on every metric, one period."""
    return query(
        "select comparison_level, compared_unit, compared_label, site, vendor, is_outsourced,"
        " metric, metric_label, format, unit, units_label, direction, period_grain,"
        " period_start, period_end, is_period_complete, confidence_level, units, value,"
        " value_lower, value_upper, rest_units, rest_value, rest_value_lower,"
        " rest_value_upper, difference, difference_lower, difference_upper, is_within_noise,"
        " is_better, is_worse, comparison, note"
        " from marts.mart_site_comparison where period_grain = ? and period_start = ?"
        " order by metric, comparison_level, compared_unit",
        (period_grain, period_start),
    )


# Plan versus check (marts/quality): targets against actuals, and what to do next.
def quality_objectives_latest(grain: str) -> pd.DataFrame:
    """Every target against its actual in the latest complete period of the grain (each
    target's own latest: a QA target's evaluations land later than handle time's)."""
    return query(
        "select metric, metric_label, format, unit, direction, segment, segment_kind,"
        " segment_value, segment_label, target, grain, period_start, period_end, units,"
        " actual, actual_lower, actual_upper, status, series_id, spc_state, sentence"
        " from marts.mart_quality_objectives as objectives where grain = ?"
        " and is_period_complete and period_start = (select max(latest.period_start)"
        "   from marts.mart_quality_objectives as latest where latest.grain = objectives.grain"
        "   and latest.metric = objectives.metric and latest.segment = objectives.segment"
        "   and latest.is_period_complete)"
        " order by status = 'missed' desc, status = 'met', metric, segment",
        (grain,),
    )


def recommended_actions(limit: int = 5) -> pd.DataFrame:
    """The top recommended actions, in rank order."""
    return query(
        "select action_rank, action_kind, headline, detail, evidence, link, impact, impact_unit"
        " from marts.mart_recommended_actions order by action_rank limit ?",
        (limit,),
    )
