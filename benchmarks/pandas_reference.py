"""The core marts as an analyst would write them in a notebook with pandas: `make bench`'s
second yardstick, beside the load floor. Plain on purpose, and not used by the pipeline.

- `evaluations`: the highest revision of each human evaluation, scored by the brief's rules
  (question → section → evaluation; `na` removes a question, an all-N/A section drops out;
  a `no` on a `critical: section` question zeroes its section, on a `critical: form` one the
  evaluation);
- `agent_weeks`: per agent and week (Monday) of the contact, standard evaluations: how many,
  the mean score and the critical-fail rate;
- `queue_days`: per queue and day the contact started: contacts, the abandonment rate and the
  mean handle time of the handled ones (a restated contact replaces the first export).

`compare_with_marts` checks these against the warehouse built from the same landing, so
the benchmark compares two ways of reaching the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml


def read_export(landing: Path, export: str) -> pd.DataFrame:
    """Every file of an export folder, as pandas reads it by default."""
    readers = {
        ".csv": pd.read_csv,
        ".parquet": pd.read_parquet,
        ".jsonl": lambda path: pd.read_json(path, lines=True),
    }
    frames = [
        readers[path.suffix](path)
        for path in sorted((landing / export).iterdir())
        if path.suffix in readers
    ]
    return pd.concat(frames, ignore_index=True)


def read_questions(landing: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((landing / "forms").glob("*.yml")):
        form = yaml.safe_load(path.read_text())
        for section in form["sections"]:
            for question in section["questions"]:
                rows.append(
                    {
                        "form_id": form["form_id"],
                        "form_version": int(form["version"]),
                        "section_id": section["section_id"],
                        "section_weight": float(section["weight"]),
                        "question_id": question["question_id"],
                        "type": question["type"],
                        "max_points": float(question["max_points"]),
                        "weight": float(question["weight"]),
                        "critical": question["critical"],
                    }
                )
    return pd.DataFrame(rows)


def score_evaluations(landing: Path) -> pd.DataFrame:
    evaluations = read_export(landing, "evaluations")
    evaluations = evaluations.sort_values("revision").drop_duplicates("evaluation_id", keep="last")
    answers = read_export(landing, "evaluation_answers").merge(
        evaluations[["evaluation_id", "revision", "form_id", "form_version"]],
        on=["evaluation_id", "revision"],
    )
    answers = answers.merge(read_questions(landing), on=["form_id", "form_version", "question_id"])
    answers["answer"] = answers["answer"].astype(str).str.strip().str.lower()
    answers = answers[answers["answer"] != "na"].copy()
    failed = answers["answer"] == "no"
    answers["score"] = np.where(
        answers["type"] == "yes_no",
        (answers["answer"] == "yes").astype(float),
        pd.to_numeric(answers["answer"], errors="coerce") / answers["max_points"],
    )
    answers["weighted"] = answers["weight"] * answers["score"]
    answers["section_fail"] = failed & (answers["critical"] == "section")
    answers["form_fail"] = failed & (answers["critical"] == "form")
    sections = answers.groupby(["evaluation_id", "section_id"], as_index=False).agg(
        weighted=("weighted", "sum"),
        weight=("weight", "sum"),
        section_weight=("section_weight", "first"),
        section_fail=("section_fail", "any"),
        form_fail=("form_fail", "any"),
    )
    sections["section_score"] = np.where(
        sections["section_fail"], 0.0, sections["weighted"] / sections["weight"]
    )
    sections["weighted_section"] = sections["section_weight"] * sections["section_score"]
    scored = sections.groupby("evaluation_id", as_index=False).agg(
        weighted=("weighted_section", "sum"),
        weight=("section_weight", "sum"),
        is_critical_fail=("form_fail", "any"),
    )
    scored["score_before_critical"] = 100 * scored["weighted"] / scored["weight"]
    scored["score"] = np.where(scored["is_critical_fail"], 0.0, scored["score_before_critical"])
    return evaluations.merge(
        scored[["evaluation_id", "score", "score_before_critical", "is_critical_fail"]],
        on="evaluation_id",
    )


SECONDS = ("talk_seconds", "hold_seconds", "after_contact_work_seconds")


def latest_interactions(landing: Path) -> pd.DataFrame:
    interactions = read_export(landing, "interactions")
    interactions["updated_at"] = pd.to_datetime(interactions["updated_at"], utc=True)
    interactions = interactions.sort_values("updated_at", na_position="first", kind="stable")
    interactions = interactions.drop_duplicates("interaction_id", keep="last")
    interactions["started_at"] = pd.to_datetime(interactions["started_at"], utc=True)
    interactions["started_at"] = interactions["started_at"].dt.tz_localize(None)
    # numbers as numbers: a Parquet export may carry them as text (CSV is parsed by read_csv)
    for column in SECONDS:
        interactions[column] = pd.to_numeric(interactions[column], errors="coerce")
    return interactions


def core_marts(landing: Path) -> dict[str, pd.DataFrame]:
    interactions = latest_interactions(landing)
    evaluations = score_evaluations(landing)
    standard = evaluations[evaluations["evaluation_type"] == "standard"].merge(
        interactions[["interaction_id", "started_at"]].rename(columns={"started_at": "contact"}),
        on="interaction_id",
        how="left",
    )
    submitted = pd.to_datetime(standard["submitted_at"], utc=True).dt.tz_localize(None)
    contact_day = standard["contact"].fillna(submitted).dt.normalize()
    standard["week_start"] = contact_day - pd.to_timedelta(contact_day.dt.weekday, unit="D")
    agent_weeks = standard.groupby(["agent_id", "week_start"], as_index=False).agg(
        evaluations_count=("evaluation_id", "count"),
        mean_score=("score", "mean"),
        critical_fail_rate=("is_critical_fail", "mean"),
    )
    abandoned = interactions["abandoned"].astype(str).str.lower() == "true"
    interactions["handle_seconds"] = (
        interactions["talk_seconds"]
        + interactions["hold_seconds"]
        + interactions["after_contact_work_seconds"]
    ).where(~abandoned)
    interactions["is_abandoned"] = abandoned.astype(float)
    interactions["day"] = interactions["started_at"].dt.normalize()
    queue_days = interactions.groupby(["queue", "day"], as_index=False).agg(
        contacts=("interaction_id", "count"),
        abandonment_rate=("is_abandoned", "mean"),
        mean_handle_seconds=("handle_seconds", "mean"),
    )
    return {"evaluations": evaluations, "agent_weeks": agent_weeks, "queue_days": queue_days}


# Each reference table → the warehouse's answer to the same question, and the keys joining them.
MART_QUERIES = {
    "evaluations": (
        "select evaluation_id, score, score_before_critical,"
        " cast(is_critical_fail as double) as is_critical_fail"
        " from marts.fct_evaluations where evaluation_type in ('standard', 'calibration')",
        ["evaluation_id"],
    ),
    "agent_weeks": (
        "select agent_id, period_start as week_start, evaluations_count, mean_score,"
        " critical_fail_rate from marts.mart_agent_scorecard"
        " where period_grain = 'week' and source = 'human'",
        ["agent_id", "week_start"],
    ),
    "queue_days": (
        "select queue, interaction_date as day, count(*) as contacts,"
        " avg(cast(is_abandoned as double)) as abandonment_rate,"
        " avg(handle_seconds) filter (where not is_abandoned) as mean_handle_seconds"
        " from marts.fct_interactions group by all",
        ["queue", "day"],
    ),
}


def compare_with_marts(marts: dict[str, pd.DataFrame], warehouse: Path) -> dict:
    """Per table: rows on each side, rows matched on their keys, and the largest absolute
    difference of any number between the two."""
    found = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for name, (query, keys) in MART_QUERIES.items():
            theirs = connection.execute(query).df()
            ours = marts[name][theirs.columns]
            for key in keys:
                if key in ("week_start", "day"):
                    theirs[key] = pd.to_datetime(theirs[key])
            both = ours.merge(theirs, on=keys, suffixes=("", "_mart"))
            values = [column for column in theirs.columns if column not in keys]
            differences = [
                (both[column].astype(float) - both[f"{column}_mart"].astype(float)).abs().max()
                for column in values
            ]
            found[name] = {
                "reference_rows": len(ours),
                "mart_rows": len(theirs),
                "matched_rows": len(both),
                "max_difference": float(np.nanmax(differences)) if len(both) else None,
            }
    return found
