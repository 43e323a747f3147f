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
Measured (2 shared cores): 1m (1.0M contacts, 9.7M turns) 1.4 GiB peak (in memory: 65 s,
7.9 GB); 10m (9.6M contacts, 9.4M turns for a tenth of them) 2 min 40 s and 2.8 GiB peak,
under the 4 GiB goal. The contacts of the whole period are still drawn in one frame, a small
one (the README's "Generating it" says how); `make bench BENCH_ARGS="--scale 10m"` measures it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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
from orchestration.generate.writer import (
    ExportFile,
    as_text,
    write_export_chunks,
    write_export_file,
)

INTERACTION_TRUTH_FILE = "ground_truth_interactions.parquet"
# Presets of `qm generate --scale`: small is the tests' sample, demo the default landing,
# 1m about a million interactions, 10m about ten million a year (1,000 seats on two shifts:
# 2,000 agents, about 27 contacts a seat a day). The big ones stream (bounded memory) and
# write Parquet with transcripts for a share of the handled contacts.
SCALES = {
    "small": {"agents": 24, "days": 42, "file_format": "csv", "transcript_share": 1.0,
              "stream": False},
    "demo": {"agents": 40, "days": 112, "file_format": "csv", "transcript_share": 1.0,
             "stream": False},
    "1m": {"agents": 400, "days": 190, "file_format": "parquet", "transcript_share": 1.0,
           "stream": True},
    "10m": {"agents": 2000, "days": 365, "file_format": "parquet", "transcript_share": 0.1,
            "stream": True},
}  # fmt: skip
# Handled contacts per transcript chunk in the streamed path (about 9 turns each).
STREAM_CHUNK_CONTACTS = 100_000
INTERACTION_TRUTH_COLUMNS = {
    "interaction_id": (
        "one row per handled (not abandoned) contact with a transcript (all of them unless"
        " parameters.transcript_share < 1)"
    ),
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


def transcript_selection(seed: int, contacts: pd.DataFrame, share: float) -> np.ndarray:
    """Which contacts get a transcript: handled ones, each with chance `share`, drawn from a
    stream of their own so no other export's draws move."""
    handled = ~contacts["abandoned"].to_numpy()
    if share >= 1:
        return handled
    return handled & (np.random.default_rng([seed, 30]).random(len(contacts)) < share)


def _chunks(frame: pd.DataFrame, size: int, rows: np.ndarray | None = None):
    """`frame` (or its rows at the positions `rows`) `size` rows at a time."""
    rows = np.arange(len(frame)) if rows is None else rows
    for begin in range(0, len(rows), size):
        yield frame.iloc[rows[begin : begin + size]]


def _stream_transcripts(
    rng: np.random.Generator,
    contacts: pd.DataFrame,
    with_transcript: np.ndarray,
    first_names: np.ndarray,
    out_dir: Path,
    say: Callable[[str], None],
) -> tuple[int, int]:
    """Transcripts and their truth chunk by chunk of contacts (those at the positions
    `with_transcript`), appended to one Parquet file each; return the turns and the
    personal-data turns written."""
    chunk_count = max(1, -(-len(with_transcript) // STREAM_CHUNK_CONTACTS))
    streams = iter(rng.spawn(chunk_count))
    pii_total = 0
    truth_writer = None

    def turn_chunks():
        nonlocal pii_total, truth_writer
        chunks = _chunks(contacts, STREAM_CHUNK_CONTACTS, with_transcript)
        for number, chunk in enumerate(chunks):
            turns, truth, pii_turns = build_transcripts(next(streams), chunk, first_names)
            pii_total += pii_turns
            table = pa.Table.from_pandas(truth, preserve_index=False)
            if truth_writer is None:
                out_dir.mkdir(parents=True, exist_ok=True)
                truth_writer = pq.ParquetWriter(out_dir / INTERACTION_TRUTH_FILE, table.schema)
            truth_writer.write_table(table.cast(truth_writer.schema))
            say(f"transcripts: chunk {number + 1} of {chunk_count}, {len(turns)} turns")
            yield as_text(turns, "transcripts")

    try:
        turns_written = write_export_chunks(
            "transcripts", "transcripts/transcripts_0001.parquet", turn_chunks(), out_dir
        )
    finally:
        if truth_writer is not None:
            truth_writer.close()
    return turns_written, pii_total


def generate_landing(
    out_dir: Path,
    seed: int = 7,
    agents: int = 40,
    days: int = 84,
    start: dt.date = dt.date(2026, 6, 1),
    faults: float = 0.0,
    causes: str = "default",
    progress: Callable[[str], None] | None = None,
    file_format: str = "csv",
    transcript_share: float = 1.0,
    stream: bool = False,
) -> dict:
    """Write the sample exports; return the row count of every file written.

    `causes` picks the special-cause scenario: `default` (the demo), `recent` (every cause
    still running when the export is taken) or `none` (a quiet period).
    `file_format` (csv or parquet) is the format of the tabular exports other than the
    transcripts (always Parquet) and the surveys (always JSON Lines); `transcript_share` the
    share of handled contacts with a transcript; `stream` writes the interactions and the
    transcripts chunk by chunk (bounded memory, see the module's docstring; no faults).
    """
    if stream and faults > 0:
        raise ValueError("--faults is not available with a streamed --scale (1m, 10m)")
    if not 0 < transcript_share <= 1:
        raise ValueError(f"the transcript share must be in (0, 1], not {transcript_share}")
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
    transcript_rng = rng.spawn(1)[0]
    with_transcript = np.flatnonzero(transcript_selection(seed, contacts, transcript_share))
    if stream:
        turn_count, pii_turns = _stream_transcripts(
            transcript_rng, contacts, with_transcript, first_names, out_dir, say
        )
        turns = interaction_truth = None
    else:
        turns, interaction_truth, pii_turns = build_transcripts(
            transcript_rng, contacts.iloc[with_transcript], first_names
        )
        turn_count = len(turns)
    del with_transcript
    say(f"{turn_count} transcript turns; evaluations ...")
    v2_from_day = scorecard_change_day(days)
    evaluations, answers, evaluation_truth = build_evaluations(rng, contacts, v2_from_day, cutoff)
    say(f"{len(evaluations)} evaluations; surveys and coaching ...")
    surveys = build_surveys(rng, contacts, cutoff)
    coaching = coaching_sessions(rng, coaching_plan, roster, evaluations, answers, start, cutoff)
    restated = restate_contacts(rng, contacts)
    say(f"{len(surveys)} surveys, {len(coaching)} coaching sessions")
    changes = build_process_changes(special_causes, start, days, v2_from_day)

    suffix = {"csv": "csv", "parquet": "parquet"}[file_format]

    def name(export: str, part: str = "0001") -> str:
        return f"{export}/{export}_{part}.{suffix}"

    files = [
        ExportFile("agents", name("agents"), as_text(roster.agents, "agents")),
        ExportFile(
            "evaluations", name("evaluations"), as_text(evaluations, "evaluations")
        ),
        ExportFile(
            "evaluation_answers",
            name("evaluation_answers"),
            as_text(answers, "evaluation_answers"),
        ),
        ExportFile(
            "csat_surveys", "csat_surveys/csat_surveys_0001.jsonl", as_text(surveys, "csat_surveys")
        ),
        ExportFile(
            "coaching_sessions",
            name("coaching_sessions"),
            as_text(coaching, "coaching_sessions"),
        ),
        ExportFile(
            "process_changes",
            name("process_changes"),
            as_text(changes.assign(effective_at=pd.to_datetime(changes["effective_at"])),
                    "process_changes"),
        ),
    ]  # fmt: skip
    if not stream:  # in today's order: interactions and transcripts after the agents
        files[1:1] = [
            ExportFile(
                "interactions",
                name("interactions"),
                as_text(_contacts_frame(contacts), "interactions"),
            ),
            ExportFile(
                "transcripts",
                "transcripts/transcripts_0001.parquet",
                as_text(turns, "transcripts"),
            ),
        ]
        del turns
    restated_file = ExportFile(
        "interactions",
        name("interactions", "0002_restated"),
        as_text(_contacts_frame(restated), "interactions"),
    )
    manifest = []
    if faults > 0:
        say(f"injecting contract violations into {faults:.1%} of rows ...")
        protected = {"interactions": set(restated["interaction_id"])}
        manifest = inject_faults(rng, files, faults, protected)

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    if stream:
        say(f"writing {len(contacts)} interactions ...")
        counts[name("interactions")] = write_export_chunks(
            "interactions",
            name("interactions"),
            (as_text(_contacts_frame(chunk), "interactions")
             for chunk in _chunks(contacts, STREAM_CHUNK_CONTACTS)),
            out_dir,
        )  # fmt: skip
        counts["transcripts/transcripts_0001.parquet"] = turn_count
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
            "file_format": file_format,
            "transcript_share": transcript_share,
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
    if interaction_truth is not None:  # the streamed path wrote it chunk by chunk
        interaction_truth.to_parquet(out_dir / INTERACTION_TRUTH_FILE, index=False)
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2, default=str))
    return counts
