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
from orchestration.validation import data_docs_index


class WarehouseMissing(RuntimeError):
    """No published warehouse yet."""


def warehouse_path() -> Path:
    return settings.published_warehouse()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(sql: str, params: tuple, path: str, modified_ns: int) -> pd.DataFrame:
    del modified_ns  # part of the cache key only
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(params)).df()


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
