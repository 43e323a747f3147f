"""Run the whole asset graph in-process through Dagster and summarise the outcome."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg


@dataclass
class RunSummary:
    run_id: str
    success: bool
    published: bool
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    materialized: int = 0
    messages: list[str] = field(default_factory=list)


def _instance() -> dg.DagsterInstance:
    """The persistent instance when DAGSTER_HOME is set (runs show in `dagster dev`)."""
    home = os.environ.get("DAGSTER_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_pipeline(log_level: str = "INFO") -> RunSummary:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("build_and_publish")
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
        summary = RunSummary(run_id=result.run_id, success=result.success, published=False)
        for event in result.all_events:
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.event_specific_data.error
                summary.failed_steps.append(event.step_key)
                summary.messages.append(f"{event.step_key}: {error.message.strip()}")
            elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluation = event.event_specific_data
                if not evaluation.passed:
                    summary.failed_checks.append(evaluation.asset_check_key.to_user_string())
            elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                summary.materialized += 1
                key = event.event_specific_data.materialization.asset_key
                if key == dg.AssetKey("published_warehouse"):
                    summary.published = True
    return summary
