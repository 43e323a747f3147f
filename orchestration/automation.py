"""Daily operation: what starts `build_and_publish` without anyone typing `qm run`, and what
records the runs it starts for the Data health page.

- `landing_sensor` requests a run when new files landed (and stopped growing);
- `daily_build` runs the job once a day, so the freshness checks are evaluated even on a day
  no file arrives;
- `record_build_success` / `record_build_failure` append each finished run of the job to
  settings.runs_log(), as `qm run` does, so a failed run shows on the Data health page.

The sensor and the schedule are STOPPED until an operator turns them on (Dagster's convention:
loading the code location, e.g. to look at the graph in `dagster dev`, must not start building
from whatever lies in the landing folder). The run recorders are RUNNING: they only write a
line, and a failure that nobody records is the thing they exist to prevent.

Nothing is read on import except the schedule's cron and timezone (environment variables):
the landing folder is listed when the sensor ticks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.contract import TABULAR_FILE_SUFFIXES, YAML_EXPORTS, YAML_FILE_SUFFIXES
from orchestration.ingest import INGEST_ORDER, ledger
from orchestration.partitions import DAILY_EXPORTS, Days
from orchestration.pipeline import RunSummary, record_run, summarise_events

BUILD_JOB = "build_and_publish"
# How often the landing folder is listed, at most.
LANDING_SENSOR_INTERVAL_SECONDS = 60
# A file modified less than this long ago may still be being copied: wait for a later tick.
DEFAULT_SETTLE_SECONDS = 60
DEFAULT_DAILY_CRON = "0 6 * * *"
DEFAULT_TIMEZONE = "UTC"

# A file as the sensor sees it: relative name → (size in bytes, mtime in ns).
Snapshot = dict[str, tuple[int, int]]


def settle_seconds() -> float:
    """QM_LANDING_SETTLE_SECONDS: how long a file must stay unmodified before it counts."""
    return float(os.environ.get("QM_LANDING_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


def landing_snapshot(landing_dir: Path) -> Snapshot:
    """Every file the ingest would read (the export folders and suffixes of the contract)."""
    snapshot: Snapshot = {}
    for export in INGEST_ORDER:
        suffixes = YAML_FILE_SUFFIXES if export in YAML_EXPORTS else TABULAR_FILE_SUFFIXES
        for path in ledger.landed_files(landing_dir, export, suffixes):
            stat = path.stat()
            snapshot[ledger.relative_name(landing_dir, path)] = (stat.st_size, stat.st_mtime_ns)
    return snapshot


def _load_cursor(cursor: str | None) -> tuple[Snapshot, Snapshot]:
    """(files already covered by a run request, files as seen at the last tick)."""
    if not cursor:
        return {}, {}
    state = json.loads(cursor)
    return _as_snapshot(state["requested"]), _as_snapshot(state["seen"])


def _as_snapshot(files: dict[str, list[int]]) -> Snapshot:
    """JSON keeps (size, mtime) as a list; compare it as the tuple a listing gives."""
    return {name: (size, mtime_ns) for name, (size, mtime_ns) in files.items()}


def _run_key(snapshot: Snapshot) -> str:
    entries = json.dumps(sorted((name, *entry) for name, entry in snapshot.items()))
    return "landing-" + hashlib.sha256(entries.encode()).hexdigest()[:16]


def evaluate_landing(
    landing_dir: Path, cursor: str | None, now_ns: int, settle: float
) -> tuple[dg.RunRequest | dg.SkipReason, str | None]:
    """The sensor's decision, without Dagster's context: a run request or why not, and the
    new cursor.

    A file is new when its (name, size, mtime) is not among those of the last request. The
    run ingests every file of the landing folder, so while any new file is still growing
    (its size or mtime changed since the last tick, or it was modified less than `settle`
    seconds ago) no run is requested; the next tick looks again.
    """
    if not landing_dir.is_dir():
        return dg.SkipReason(f"No landing folder at {landing_dir} (QM_LANDING)."), cursor
    requested, seen = _load_cursor(cursor)
    snapshot = landing_snapshot(landing_dir)
    new = {name: entry for name, entry in snapshot.items() if requested.get(name) != entry}
    growing = sorted(
        name
        for name, (size, mtime_ns) in new.items()
        if (name in seen and seen[name] != (size, mtime_ns)) or (now_ns - mtime_ns) / 1e9 < settle
    )
    next_cursor = json.dumps({"requested": requested, "seen": snapshot}, sort_keys=True)
    if not new:
        return dg.SkipReason(
            f"Nothing new in {landing_dir}: {len(snapshot)} files, all in an earlier run."
        ), next_cursor
    if growing:
        return dg.SkipReason(
            f"{growing[0]}{f' (and {len(growing) - 1} more)' if len(growing) > 1 else ''}"
            f" still changing in {landing_dir}:"
            f" waiting until it is unchanged for {settle:g} s and between two ticks."
        ), next_cursor
    # the daily exports' partitions from the earliest new file's day to today
    days = Days.of_files(landing_dir / name for name in new if name.split("/")[0] in DAILY_EXPORTS)
    request = dg.RunRequest(
        run_key=_run_key(snapshot),
        tags={"qm/new_files": str(len(new)), **days.tags()},
    )
    next_cursor = json.dumps({"requested": snapshot, "seen": snapshot}, sort_keys=True)
    return request, next_cursor


@dg.sensor(
    name="landing_sensor",
    job_name=BUILD_JOB,
    minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Requests a build_and_publish run when new files land in the landing folder"
        f" (QM_LANDING), once they stayed unchanged for QM_LANDING_SETTLE_SECONDS (default"
        f" {DEFAULT_SETTLE_SECONDS}) and between two ticks ({LANDING_SENSOR_INTERVAL_SECONDS} s"
        " apart). The cursor remembers the (file, size, mtime) of the last request."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext):
    decision, cursor = evaluate_landing(
        settings.landing_dir(), context.cursor, time.time_ns(), settle_seconds()
    )
    if cursor != context.cursor:
        context.update_cursor(cursor)
    return decision


def build_daily_schedule(
    cron: str | None = None, timezone: str | None = None
) -> dg.ScheduleDefinition:
    """`daily_build`: QM_DAILY_CRON (default 06:00 every day) in QM_SCHEDULE_TIMEZONE
    (default UTC), over every landed file's partition (from the earliest file's day)."""

    def request(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(tags=Days.landed(settings.landing_dir()).tags())

    return dg.ScheduleDefinition(
        name="daily_build",
        job_name=BUILD_JOB,
        cron_schedule=cron or os.environ.get("QM_DAILY_CRON", DEFAULT_DAILY_CRON),
        execution_timezone=timezone or os.environ.get("QM_SCHEDULE_TIMEZONE", DEFAULT_TIMEZONE),
        execution_fn=request,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=(
            "Runs build_and_publish every day, new files or not, so the freshness checks"
            " notice an export that stopped arriving."
        ),
    )


daily_build = build_daily_schedule()


def record_finished_run(
    instance: dg.DagsterInstance, run_id: str, success: bool, end: dg.DagsterEvent | None = None
) -> RunSummary:
    """Summarise a finished run from its event log and append it to settings.runs_log(),
    the same record `qm run` writes. `end` is the run's RUN_SUCCESS / RUN_FAILURE event."""
    events = [entry.dagster_event for entry in instance.all_logs(run_id) if entry.is_dagster_event]
    summary = summarise_events(run_id, success, events)
    if not success and not summary.failed_steps:
        # The run failed outside any step (a resource did not start, its process died).
        summary.failed_steps.append("run")
        summary.messages.append(f"run: {_run_error(end)}")
    stats = instance.get_run_stats(run_id)
    started = stats.start_time or stats.launch_time or time.time()
    ended = stats.end_time or time.time()
    record_run(summary, dt.datetime.fromtimestamp(started, dt.UTC), max(ended - started, 0.0))
    return summary


def _run_error(end: dg.DagsterEvent | None) -> str:
    """The run's own error (the innermost cause, not Dagster's wrapper), else its message."""
    error = getattr(end.event_specific_data, "error", None) if end is not None else None
    if error is None:
        return (end.message if end is not None else None) or "failed before any step ran"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def _record(context: dg.RunStatusSensorContext, success: bool) -> dg.SkipReason | None:
    run = context.dagster_run
    if run.job_name != BUILD_JOB:
        return dg.SkipReason(f"Run {run.run_id} is of job {run.job_name}, not {BUILD_JOB}.")
    record_finished_run(context.instance, run.run_id, success, context.dagster_event)
    return None


@dg.run_status_sensor(
    name="record_build_success",
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Appends each successful {BUILD_JOB} run to runs.jsonl (Data health page).",
)
def record_build_success(context: dg.RunStatusSensorContext):
    return _record(context, success=True)


@dg.run_status_sensor(
    name="record_build_failure",
    run_status=dg.DagsterRunStatus.FAILURE,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        f"Appends each failed {BUILD_JOB} run, with its failed step and first error line, to"
        " runs.jsonl, so the Data health page says it was not published and why."
    ),
)
def record_build_failure(context: dg.RunStatusSensorContext):
    return _record(context, success=False)


sensors = [landing_sensor, record_build_success, record_build_failure]
schedules = [daily_build]
