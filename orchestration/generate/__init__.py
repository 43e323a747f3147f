"""Realistic, deterministic sample exports of a contact centre, with their ground truth.

`generate_landing` writes every export of the landing contract under one folder plus
`ground_truth.json` (what was injected: special causes, the team change, restatements,
evaluator leniency, ...), `ground_truth_interactions.parquet` (what each handled contact's
transcript really shows: the scorecard answers, friction and emotion cues) and, with `faults > 0`, `faults_manifest.csv`: every row that breaks
the contract, with the reason the ingest must give it.

The exports are taken at a cut-off, midnight after the last generated day: evaluations,
surveys and coaching sessions that would arrive later are not in them, as in a real export.

What depends on history across days, and what does not (how the big presets stream):
- Planned up front from the seed, small and kept whole: the roster with its team change,
  the special causes (day windows per segment), the coaching plan (which agent is coached
  on which question on which day), the agents' behaviour profiles.
- Per contact, given that small state: the contacts themselves (their draws are made for
  the whole period at once, so cutting them into day windows would change every draw), and
  the transcripts and their truth (a contact's turns depend on that contact's row only).
- Across days: evaluations (a 3 % sample submitted up to EVALUATION_MAX_DELAY_DAYS later,
  kept before the cut-off), surveys (responses arriving later), restatements (a later
  correction of 1 % of contacts), coaching sessions (built from the evaluations submitted
  before each session).
So the streamed path (`stream=True`, the 1m and 10m presets) keeps the contacts of the whole
period in memory (about 1 GB per 1M contacts at most while built), writes the interactions
in chunks, builds transcripts chunk by chunk of contacts appended to one Parquet file with
`pyarrow.parquet.ParquetWriter`, and builds evaluations, surveys, restatements and coaching
from the contacts as before. Transcripts draw from a stream of their own (spawned, so no
other export's draws move): evaluations, surveys, coaching, restatements and the ground truth
are the same as the in-memory path for the same seed; only the transcripts' wording and
timings differ (one spawned stream per chunk). The small and demo presets keep the in-memory
path, byte for byte as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.generate.coaching import coaching_sessions, coaching_truth, plan_coaching
from orchestration.generate.contacts import (
    DAY_EFFECTS,
    DEFLECTABLE_REASON,
    agent_profiles,
    build_contacts,
    plan_special_causes,
    scorecard_change_day,
)
from orchestration.generate.evaluations import EVALUATION_MAX_DELAY_DAYS, build_evaluations
from orchestration.generate.faults import inject_faults
from orchestration.generate.forms import form_yaml, targets_yaml
from orchestration.generate.roster import build_roster
from orchestration.generate.surveys import (
    build_process_changes,
    build_surveys,
    csat_truth,
    restate_contacts,
)
from orchestration.generate.transcripts import build_transcripts
from orchestration.generate.writer import ExportFile, as_text, write_export_file

INTERACTION_TRUTH_FILE = "ground_truth_interactions.parquet"
INTERACTION_TRUTH_COLUMNS = {
    "interaction_id": "one row per handled (not abandoned) contact, all with a transcript",
    "channel": "voice, chat or email",
    "greeting, identity_check, resolution_check, closing": (
        "the scorecard question's true answer (the agent's line is in the transcript)"
    ),
    "recording_disclosure": "true answer on voice; null on chat and email (answered na)",
    "empathy": "true points 0-4; the transcript has an empathy line when empathy >= 3",
    "empathy_shown": "empathy >= 3: the transcript has an empathy line",
    "professionalism": "not rude (a rude contact has the agent's rude line)",
    "hold_permission": "asked before the hold; null when the contact had no hold (na)",
    "customer_ending": "positive or negative: the customer's last turn",
    "escalation_request": "the customer asks for a manager or to escalate",
    "repetition": "the customer restates the opener after 'As I said, ' or similar",
    "transfer": "transfer_count > 0: a system turn '[transferred to ...]'",
    "dead_air": "voice: one silent gap of 12-40 s before a turn; null when not voice",
    "dead_air_seconds": "that gap's length in seconds (0 without dead air; null when not voice)",
    "anger_cue, frustration_cue, confusion_cue, gratitude_cue": (
        "the customer voices the emotion in at least one turn (a planted line or the ending)"
    ),
    "spoken_card": "a voice customer reads a Luhn-valid card number digit by digit",
    "personal_data_turns": "turns with personal data (sums to pii_turns)",
}


def _contacts_frame(contacts: pd.DataFrame) -> pd.DataFrame:
    frame = contacts.copy()
    frame["customer_id"] = "CU" + frame["customer_index"].astype(str).str.zfill(7)
    frame["answered_at"] = frame["answered_at"].where(~frame["abandoned"])
    return frame


def generate_landing(
    out_dir: Path,
    seed: int = 7,
    agents: int = 40,
    days: int = 84,
    start: dt.date = dt.date(2026, 6, 1),
    faults: float = 0.0,
    causes: str = "default",
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the sample exports; return the row count of every file written.

    `causes` picks the special-cause scenario: `default` (the demo), `recent` (every cause
    still running when the export is taken) or `none` (a quiet period).
    """
    say = progress or (lambda message: None)
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    roster = build_roster(rng, agents, start, days)
    special_causes = plan_special_causes(
        causes, start, days, roster.team_ids, roster.team_sites, EVALUATION_MAX_DELAY_DAYS
    )
    cutoff = dt.datetime.combine(start + dt.timedelta(days=days), dt.time())
    profiles = agent_profiles(rng, agents)
    # The coaching plan draws from a stream of its own: the contacts' draws stay as they were.
    coaching_plan = plan_coaching(np.random.default_rng([seed, 20]), roster, profiles, days)
    say(f"contacts for {agents} agents over {days} days ...")
    contacts = build_contacts(rng, roster, profiles, special_causes, start, days, coaching_plan)
    say(f"{len(contacts)} contacts; transcripts ...")
    first_names = np.array([name.split()[0] for name in roster.agents["agent_name"][:agents]])
    # Transcripts draw from a stream of their own, so the evaluations and surveys drawn next
    # do not shift when a transcript template changes.
    turns, interaction_truth, pii_turns = build_transcripts(rng.spawn(1)[0], contacts, first_names)
    say(f"{len(turns)} transcript turns; evaluations ...")
    v2_from_day = scorecard_change_day(days)
    evaluations, answers, evaluation_truth = build_evaluations(rng, contacts, v2_from_day, cutoff)
    surveys = build_surveys(rng, contacts, cutoff)
    coaching = coaching_sessions(rng, coaching_plan, roster, evaluations, answers, start, cutoff)
    restated = restate_contacts(rng, contacts)
    changes = build_process_changes(special_causes, start, days, v2_from_day)

    contacts_frame = _contacts_frame(contacts)
    files = [
        ExportFile("agents", "agents/agents_0001.csv", as_text(roster.agents, "agents")),
        ExportFile(
            "interactions",
            "interactions/interactions_0001.csv",
            as_text(contacts_frame, "interactions"),
        ),
        ExportFile(
            "transcripts", "transcripts/transcripts_0001.parquet", as_text(turns, "transcripts")
        ),
        ExportFile(
            "evaluations", "evaluations/evaluations_0001.csv", as_text(evaluations, "evaluations")
        ),
        ExportFile(
            "evaluation_answers",
            "evaluation_answers/evaluation_answers_0001.csv",
            as_text(answers, "evaluation_answers"),
        ),
        ExportFile(
            "csat_surveys", "csat_surveys/csat_surveys_0001.jsonl", as_text(surveys, "csat_surveys")
        ),
        ExportFile(
            "coaching_sessions",
            "coaching_sessions/coaching_sessions_0001.csv",
            as_text(coaching, "coaching_sessions"),
        ),
        ExportFile(
            "process_changes",
            "process_changes/process_changes_0001.csv",
            as_text(changes.assign(effective_at=pd.to_datetime(changes["effective_at"])),
                    "process_changes"),
        ),
    ]  # fmt: skip
    restated_file = ExportFile(
        "interactions",
        "interactions/interactions_0002_restated.csv",
        as_text(_contacts_frame(restated), "interactions"),
    )
    manifest = []
    if faults > 0:
        say(f"injecting contract violations into {faults:.1%} of rows ...")
        protected = {"interactions": set(restated["interaction_id"])}
        manifest = inject_faults(rng, files, faults, protected)

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for file in [*files, restated_file]:
        counts[file.name] = write_export_file(file, out_dir)
        say(f"wrote {file.name}: {counts[file.name]} rows")
    v2_from = start + dt.timedelta(days=v2_from_day)
    for version, effective in ((1, start.replace(day=1)), (2, v2_from)):
        path = out_dir / "forms" / f"customer_service_v{version}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(form_yaml(version, effective))
    targets = out_dir / "quality_targets" / "quality_targets.yml"
    targets.parent.mkdir(parents=True, exist_ok=True)
    targets.write_text(targets_yaml(start, roster.team_ids, roster.team_sites))
    if faults > 0:
        pd.DataFrame(manifest, columns=["export", "file", "row", "reason"]).to_csv(
            out_dir / "faults_manifest.csv", index=False
        )

    truth = {
        "parameters": {
            "seed": seed,
            "agents": agents,
            "days": days,
            "start": start.isoformat(),
            "faults": faults,
            "causes": causes,
        },
        "export_cutoff": cutoff.isoformat() + "Z",
        "row_counts": counts,
        "teams": dict(zip(roster.team_ids, roster.team_sites, strict=True)),
        "team_change": roster.team_change,
        "form_versions": {"1": start.replace(day=1).isoformat(), "2": v2_from.isoformat()},
        "special_causes": [cause.as_ground_truth(start) for cause in special_causes],
        "day_effects": DAY_EFFECTS,
        "restated_interactions": {
            row.interaction_id: {"resolved": bool(row.resolved)} for row in restated.itertuples()
        },
        "pii_turns": pii_turns,
        "interaction_truth": INTERACTION_TRUTH_FILE,
        "interaction_truth_columns": INTERACTION_TRUTH_COLUMNS,
        "agent_behaviour": profiles.assign(agent_id=roster.agent_ids).round(4).to_dict("records"),
        "faults_injected": len(manifest),
        "csat_drivers": csat_truth(),
        "coaching_effect": coaching_truth(coaching_plan, profiles, roster, start),
        "deflectable_reason": DEFLECTABLE_REASON,
        **evaluation_truth,
    }
    interaction_truth.to_parquet(out_dir / INTERACTION_TRUTH_FILE, index=False)
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2, default=str))
    return counts
