"""Run the whole asset graph in-process through Dagster and summarise the outcome.

Progress: the assets log one line per unit of work (a landed file, a dbt model or test, a
Great Expectations suite, the publication) with a `Progress` attached. Those lines show in
Dagster's UI like any log line; `qm run` runs the job with only the `qm_run` logger, whose
records it turns into a live display and a log file instead of Dagster's console output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg

from orchestration import settings
from orchestration.ingest import INGEST_ORDER
from orchestration.partitions import Days

RUN_LOGGER = "orchestration.run"
# Metadata of an ingest materialization: its files a person should look at (ignored, empty
# or unreadable), one line each starting with the file.
FILE_WARNINGS = "file_warnings"
PROGRESS_ATTRIBUTE = "qm_progress"
STEPS = ("ingest", "dbt", "validate", "publish")

# `home`: the folder itself, as JSON (a YAML string): the storage is where the file is,
# whatever DAGSTER_HOME says when the file is read (`DagsterInstance.from_config(folder)`).
INSTANCE_CONFIG = """\
# Dagster instance settings for this project (written by `qm run` when missing).
# Usage statistics are not sent: no telemetry banner, nothing leaves the machine.
telemetry:
  enabled: false
# Runs Dagster launches itself (sensor, schedule, the UI) wait in its queue one at a time:
# one writer per warehouse (a second run would be refused by the run lock).
concurrency:
  runs:
    max_concurrent_runs: 1
# Dagster's SQLite storage in this folder, its event log keeping its database connections
# open rather than opening one per stored event (orchestration/dagster_storage.py).
storage:
  custom:
    module: orchestration.dagster_storage
    class: SqliteStorage
    config:
      base_dir: {home}
"""


@dataclass(frozen=True)
class Progress:
    """One unit of work done (or started) by a step of the run."""

    step: str  # one of STEPS
    item: str  # a file, a model, a suite, a path
    status: str = "ok"  # ok | failed | start (the step begins) | plan (its size, up front)
    detail: str = ""
    total: int | None = None  # on "start" and "plan": how many items the step will report

    def line(self) -> str:
        return f"{self.step}: {self.item}" + (f" ({self.detail})" if self.detail else "")


def report_progress(log: logging.Logger, progress: Progress) -> None:
    """Log a progress line from inside a step; `qm run` shows it live."""
    level = logging.WARNING if progress.status == "failed" else logging.INFO
    log.log(level, progress.line(), extra={PROGRESS_ATTRIBUTE: progress.__dict__})


def progress_of(record: logging.LogRecord) -> Progress | None:
    fields = getattr(record, PROGRESS_ATTRIBUTE, None)
    return Progress(**fields) if isinstance(fields, dict) else None


@dg.logger(description="Python logger `orchestration.run`, which `qm run` shows and writes.")
def run_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger(RUN_LOGGER)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


@dataclass
class RunSummary:
    run_id: str
    success: bool
    published: bool
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    materialized: int = 0
    messages: list[str] = field(default_factory=list)
    # Exports whose raw table is empty after this run (nothing landed, or every row
    # quarantined): not an error (a centre without human evaluations is scored by the
    # machine alone), but said, since every mart built on them is empty too.
    empty_exports: list[str] = field(default_factory=list)
    # Landed files ignored (not a file type of their export), empty, or unreadable and
    # quarantined whole: the run goes on, but someone should look (ExportReport.warnings).
    file_warnings: list[str] = field(default_factory=list)
    # Seconds each step of the display (STEPS) took, its Dagster steps added up (they run one
    # after another); failed steps are not timed.
    step_seconds: dict[str, float] = field(default_factory=dict)


def display_step(step_key: str) -> str:
    """The step of the progress display a Dagster step belongs to."""
    if step_key.startswith("ingest_"):
        return "ingest"
    if step_key == "warehouse_models":
        return "dbt"
    if step_key == "published_warehouse":
        return "publish"
    return "validate"


def prepare_dagster_home() -> Path:
    """DAGSTER_HOME (set, created) with a dagster.yaml that turns telemetry off; an existing
    dagster.yaml is kept. Runs then show in `dagster dev` started with the same home."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG.format(home=json.dumps(str(home.resolve()))))
    os.environ["DAGSTER_HOME"] = str(home)
    return home


class _ProgressHandler(logging.Handler):
    def __init__(self, callback: Callable[[Progress], None]):
        super().__init__(logging.DEBUG)
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        progress = progress_of(record)
        if progress is not None:
            self.callback(progress)


@contextlib.contextmanager
def _run_output(
    progress: Callable[[Progress], None] | None, log: TextIO | None, log_level: str
) -> Iterator[None]:
    """Route the run logger to the display and the log file, and everything else the run
    prints (dbt's output, library warnings) to the log file."""
    logger = logging.getLogger(RUN_LOGGER)
    handlers: list[logging.Handler] = []
    if progress:
        handlers.append(_ProgressHandler(progress))
    if log:
        file_handler = logging.StreamHandler(log)
        file_handler.setLevel(log_level)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handlers.append(file_handler)
    for handler in handlers:
        logger.addHandler(handler)
    try:
        if log:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                yield
        else:
            yield
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


def run_pipeline(
    log_level: str = "INFO",
    progress: Callable[[Progress], None] | None = None,
    log: TextIO | None = None,
    run_id: str | None = None,
    full_refresh: bool = False,
    days: Days | None = None,
) -> RunSummary:
    """Prepare (environment, Dagster home, dbt manifest), then run `build_and_publish`:
    over `days` of the daily exports' partitions, by default from the earliest landed
    file's day to today (every new file).

    With `progress` and `log`, Dagster's console logger is replaced by the `qm_run` logger:
    progress lines go to the callback, every log line and everything printed (dbt's output)
    to `log`.
    """
    from orchestration.assets.dbt_project import prepare_dbt_project

    settings.export_environment()
    prepare_dagster_home()
    run_id = run_id or str(uuid.uuid4())  # `qm run` passes the id its run lock holds
    started_at, started = dt.datetime.now(dt.UTC), time.monotonic()
    with _run_output(progress, log, log_level):
        prepare_dbt_project()
        from orchestration.definitions import defs

        job = defs.resolve_job_def("build_and_publish")
        if progress:
            suites = [key for key in job.asset_layer.asset_graph.asset_check_keys]
            suites = [key for key in suites if key.name.startswith("ge_")]
            progress(Progress("validate", "suites", "plan", total=len(suites)))
            progress(Progress("publish", "warehouse", "plan", total=1))
        loggers = {"qm_run": {}} if (progress or log) else {"console": {"config": {}}}
        if not (progress or log):
            loggers["console"]["config"]["log_level"] = log_level
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_id=run_id,
                tags=(days or Days.landed(settings.landing_dir())).tags(),
                run_config={
                    "loggers": loggers,
                    "ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}},
                },
            )
            summary = _summarise(result)
    if log:
        log.flush()
    record_run(summary, started_at, time.monotonic() - started)
    return summary


def record_run(summary: RunSummary, started_at: dt.datetime, seconds: float) -> None:
    """Append the run's outcome to settings.runs_log(), failed runs included: the published
    file cannot say that a later run failed."""
    path = settings.runs_log()
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "run_id": summary.run_id,
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "published": summary.published,
        "failed": [*summary.failed_checks, *summary.failed_steps],
        # The first line of each failed step's error ("<step>: <message>"): what the Data
        # health page shows after "Failed:".
        "errors": [
            message.strip().splitlines()[0] for message in summary.messages if message.strip()
        ],
        "empty_exports": summary.empty_exports,
        "file_warnings": summary.file_warnings,
        "step_seconds": {step: round(value, 1) for step, value in summary.step_seconds.items()},
    }
    with path.open("a", encoding="utf-8") as runs:
        runs.write(json.dumps(record) + "\n")


def _summarise(result: dg.ExecuteInProcessResult) -> RunSummary:
    return summarise_events(result.run_id, result.success, result.all_events)


def summarise_events(run_id: str, success: bool, events: Iterable[dg.DagsterEvent]) -> RunSummary:
    """A run's summary from its Dagster events: of an in-process run (`qm run`) or read back
    from the instance's event log (runs the sensor or the schedule launched)."""
    summary = RunSummary(run_id=run_id, success=success, published=False)
    # A partitioned asset materialised over a range of days records one materialisation per
    # day, each with the same metadata: its warnings and emptiness are said once.
    described: set[dg.AssetKey] = set()
    for event in events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            while error.cause is not None:  # the step's own error, not Dagster's wrapper
                error = error.cause
            summary.failed_steps.append(event.step_key)
            summary.messages.append(f"{event.step_key}: {error.message.strip()}")
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            step = display_step(event.step_key)
            seconds = event.event_specific_data.duration_ms / 1000
            summary.step_seconds[step] = summary.step_seconds.get(step, 0.0) + seconds
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                summary.failed_checks.append(evaluation.asset_check_key.to_user_string())
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            summary.materialized += 1
            materialization = event.event_specific_data.materialization
            if materialization.asset_key == dg.AssetKey("published_warehouse"):
                summary.published = True
            elif materialization.asset_key not in described:
                described.add(materialization.asset_key)
                if _is_empty_export(materialization):
                    summary.empty_exports.append(materialization.asset_key.path[-1])
                warnings = materialization.metadata.get(FILE_WARNINGS)
                summary.file_warnings += warnings.value if warnings is not None else []
    return summary


def _is_empty_export(materialization: dg.AssetMaterialization) -> bool:
    key = materialization.asset_key.path
    row_count = materialization.metadata.get("dagster/row_count")
    return (
        len(key) == 2
        and key[0] == "raw"
        and key[1] in INGEST_ORDER
        and row_count is not None
        and row_count.value == 0
    )
