"""Daily operation: the landing sensor, the daily schedule, and the run recorders that put
runs the daemon launched on the Data health page."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from unittest import mock

import dagster as dg
import pytest

from orchestration import automation, settings
from orchestration.assets.dbt_project import prepare_dbt_project
from orchestration.partitions import RANGE_END_TAG as RANGE_END
from orchestration.partitions import RANGE_START_TAG as RANGE_START

HOUR_NS = 3600 * 10**9


@pytest.fixture
def landing(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("QM_LANDING", str(folder))
    monkeypatch.setenv("QM_LANDING_SETTLE_SECONDS", "60")
    return folder


def land(landing: Path, name: str, text: str = "a,b\n1,2\n", hours_ago: float = 2) -> Path:
    """A file in the landing folder, last modified `hours_ago` (0: just now)."""
    path = landing / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if hours_ago:
        mtime = time.time_ns() - int(hours_ago * HOUR_NS)
        os.utime(path, ns=(mtime, mtime))
    return path


def tick(cursor: str | None = None) -> tuple[dg.RunRequest | dg.SkipReason, str | None]:
    context = dg.build_sensor_context(cursor=cursor)
    result = automation.landing_sensor(context)
    return result, context.cursor


def test_first_tick_with_files_requests_one_run(landing):
    land(landing, "interactions/day1.csv")
    land(landing, "forms/form.yml", "form_id: F1\n")
    result, cursor = tick()
    assert isinstance(result, dg.RunRequest)
    assert result.run_key and result.tags["qm/new_files"] == "2"
    assert cursor is not None


def test_the_run_covers_the_partitions_from_the_earliest_new_daily_file_to_today(landing):
    land(landing, "interactions/interactions_2026-06-01.csv")
    _, cursor = tick()
    land(landing, "evaluations/evaluations_2026-06-03.csv")
    land(landing, "evaluation_answers/answers.csv", hours_ago=24 * 5)  # landed 5 days ago
    land(landing, "agents/roster_2026-01-01.csv")  # not partitioned: no say in the range
    result, _ = tick(cursor)
    today = dt.datetime.now(dt.UTC).date()
    first = min(dt.date(2026, 6, 3), today - dt.timedelta(days=5))
    assert result.tags[RANGE_START] == first.isoformat()
    assert result.tags[RANGE_END] == today.isoformat()


def test_the_same_files_do_not_trigger_twice(landing):
    land(landing, "interactions/day1.csv")
    _, cursor = tick()
    result, _ = tick(cursor)
    assert isinstance(result, dg.SkipReason)
    assert "Nothing new" in result.skip_message and "1 files" in result.skip_message


def test_a_reevaluation_from_the_same_cursor_asks_for_the_same_run_key(landing):
    """Dagster launches one run per run_key: a tick evaluated twice launches nothing twice."""
    land(landing, "interactions/day1.csv")
    first, _ = tick()
    again, _ = tick()
    assert first.run_key == again.run_key


def test_a_new_file_requests_another_run_with_another_run_key(landing):
    land(landing, "interactions/day1.csv")
    first, cursor = tick()
    land(landing, "interactions/day2.csv", "a,b\n3,4\n")
    second, _ = tick(cursor)
    assert isinstance(second, dg.RunRequest)
    assert second.run_key != first.run_key
    assert second.tags["qm/new_files"] == "1"


def test_a_file_modified_within_the_settle_time_waits(landing):
    land(landing, "interactions/day1.csv", hours_ago=0)
    result, _ = tick()
    assert isinstance(result, dg.SkipReason)
    assert "interactions/day1.csv" in result.skip_message and "60 s" in result.skip_message


def test_a_file_still_growing_between_ticks_waits_until_it_stops(landing):
    """Copied with its old mtime kept (cp -p): only the size says it is still growing."""
    path = land(landing, "interactions/day1.csv", hours_ago=0)
    waiting, cursor = tick()
    assert isinstance(waiting, dg.SkipReason)
    path.write_text("a,b\n1,2\n3,4\n")
    old = time.time_ns() - 5 * HOUR_NS
    os.utime(path, ns=(old, old))
    grown, cursor = tick(cursor)
    assert isinstance(grown, dg.SkipReason)
    assert "interactions/day1.csv" in grown.skip_message and "still changing" in grown.skip_message
    settled, _ = tick(cursor)
    assert isinstance(settled, dg.RunRequest)


def test_one_growing_file_holds_back_the_whole_run(landing):
    """The run ingests every file in the folder, the growing one included."""
    land(landing, "interactions/day1.csv")
    land(landing, "csat_surveys/day1.csv", hours_ago=0)
    result, _ = tick()
    assert isinstance(result, dg.SkipReason)
    assert "csat_surveys/day1.csv" in result.skip_message


def test_a_missing_landing_folder_is_skipped_with_its_path(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("QM_LANDING", str(missing))
    result, _ = tick()
    assert isinstance(result, dg.SkipReason)
    assert str(missing) in result.skip_message


def test_files_the_ingest_does_not_read_trigger_nothing(landing):
    land(landing, "notes/readme.csv")  # not an export folder
    land(landing, "interactions/day1.csv.part")  # a copy in progress under a temporary name
    land(landing, "forms/form.csv")  # forms are YAML
    result, _ = tick()
    assert isinstance(result, dg.SkipReason)
    assert "Nothing new" in result.skip_message and "0 files" in result.skip_message


def test_the_sensor_and_schedule_wait_to_be_turned_on_and_the_recorders_do_not():
    assert automation.landing_sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert automation.daily_build.default_status == dg.DefaultScheduleStatus.STOPPED
    for recorder in (automation.record_build_success, automation.record_build_failure):
        assert recorder.default_status == dg.DefaultSensorStatus.RUNNING
    assert automation.landing_sensor.minimum_interval_seconds == 60


def test_the_schedule_runs_daily_at_six_utc_unless_configured(monkeypatch):
    monkeypatch.delenv("QM_DAILY_CRON", raising=False)
    monkeypatch.delenv("QM_SCHEDULE_TIMEZONE", raising=False)
    schedule = automation.build_daily_schedule()
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "UTC")


def test_the_schedule_reads_its_cron_and_timezone_from_the_environment(monkeypatch):
    monkeypatch.setenv("QM_DAILY_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("QM_SCHEDULE_TIMEZONE", "Europe/Berlin")
    schedule = automation.build_daily_schedule()
    assert schedule.cron_schedule == "30 5 * * 1-5"
    assert schedule.execution_timezone == "Europe/Berlin"
    assert schedule.job_name == "build_and_publish"


@pytest.fixture(scope="module")
def defs():
    with mock.patch.dict(os.environ, settings.dbt_environment()):
        prepare_dbt_project()
    from orchestration.definitions import defs

    return defs


def test_the_daily_tick_requests_a_valid_run_of_the_job_over_every_landed_day(defs, landing):
    land(landing, "interactions/interactions_2026-06-01.csv")
    land(landing, "transcripts/transcripts_2026-06-02.csv")
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 26, 6, 0))
    [request] = automation.daily_build.evaluate_tick(context).run_requests
    job = defs.resolve_job_def("build_and_publish")
    assert dg.validate_run_config(job, request.run_config) is not None
    keys = job.partitions_def.get_partition_keys()
    assert request.tags[RANGE_START] == "2026-06-01" and request.tags[RANGE_END] == keys[-1]


def test_the_definitions_list_the_sensors_schedule_and_freshness_checks(defs):
    repository = defs.get_repository_def()
    assert {sensor.name for sensor in repository.sensor_defs} >= {
        "landing_sensor",
        "record_build_success",
        "record_build_failure",
    }
    assert [schedule.name for schedule in repository.schedule_defs] == ["daily_build"]
    sensor = repository.get_sensor_def("landing_sensor")
    assert sensor.job_name == "build_and_publish"
    job = defs.resolve_job_def("build_and_publish")
    freshness = {
        key.asset_key.path[-1]
        for key in job.asset_layer.asset_graph.asset_check_keys
        if key.name == "freshness"
    }
    assert {"interactions", "evaluations", "coaching_sessions"} <= freshness
    assert "agents" not in freshness  # lands on change: no threshold in _sources.yml


# The run recorders, on tiny jobs named like ours: one that publishes, one that fails.


@dg.asset(key=["raw", "interactions"])
def landed() -> None:
    pass


def job_named(name: str, fails: bool) -> dg.JobDefinition:
    @dg.asset(key="published_warehouse", deps=[landed])
    def published_warehouse() -> None:
        if fails:
            raise RuntimeError("disk full while copying qm.duckdb\nsecond line of the error")

    definitions = dg.Definitions(
        assets=[landed, published_warehouse], jobs=[dg.define_asset_job(name)]
    )
    return definitions.resolve_job_def(name)


def finish(job: dg.JobDefinition, status: dg.DagsterRunStatus, recorder) -> list[dict]:
    """Run the job, hand its end event to the recorder, return the lines of runs.jsonl."""
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        assert result.success is (status == dg.DagsterRunStatus.SUCCESS)
        end = {
            dg.DagsterRunStatus.SUCCESS: dg.DagsterEventType.RUN_SUCCESS,
            dg.DagsterRunStatus.FAILURE: dg.DagsterEventType.RUN_FAILURE,
        }[status]
        [event] = [event for event in result.all_events if event.event_type == end]
        context = dg.build_run_status_sensor_context(
            sensor_name=recorder.name,
            dagster_event=event,
            dagster_instance=instance,
            dagster_run=instance.get_run_by_id(result.run_id),
        )
        recorder(context)
    runs = settings.runs_log()
    return [json.loads(line) for line in runs.read_text().splitlines()] if runs.exists() else []


@pytest.fixture
def warehouse_home(tmp_path, monkeypatch) -> Path:
    published = tmp_path / "warehouse" / "qm.duckdb"
    monkeypatch.setenv("QM_WAREHOUSE", str(published))
    return published


def test_a_failed_run_is_recorded_with_its_step_and_first_error_line(warehouse_home):
    job = job_named("build_and_publish", fails=True)
    [record] = finish(job, dg.DagsterRunStatus.FAILURE, automation.record_build_failure)
    assert warehouse_home.with_name("runs.jsonl").exists()
    assert record["published"] is False
    assert record["failed"] == ["published_warehouse"]
    # The step, then the error's first line as Dagster serialises it (type: message).
    assert record["errors"] == [
        "published_warehouse: RuntimeError: disk full while copying qm.duckdb"
    ]
    assert record["seconds"] >= 0 and record["started_at"].endswith("+00:00")


def test_a_run_that_fails_outside_any_step_is_recorded_with_its_own_error(warehouse_home):
    """A resource that does not start (another run holds the build file's lock) fails the
    run before any step: the record names the run and the innermost error, not Dagster's
    wrapper."""

    @dg.resource
    def warehouse(_):
        raise RuntimeError("run X started at 06:00 UTC is in progress\nsecond line")

    @dg.asset(key="published_warehouse", required_resource_keys={"warehouse"})
    def published_warehouse() -> None:
        pass

    job = dg.Definitions(
        assets=[published_warehouse],
        jobs=[dg.define_asset_job("build_and_publish")],
        resources={"warehouse": warehouse},
        executor=dg.in_process_executor,
    ).resolve_job_def("build_and_publish")
    [record] = finish(job, dg.DagsterRunStatus.FAILURE, automation.record_build_failure)
    assert record["published"] is False and record["failed"] == ["run"]
    assert record["errors"] == ["run: RuntimeError: run X started at 06:00 UTC is in progress"]


def test_a_successful_run_is_recorded_as_published(warehouse_home):
    job = job_named("build_and_publish", fails=False)
    [record] = finish(job, dg.DagsterRunStatus.SUCCESS, automation.record_build_success)
    assert record["published"] is True and record["failed"] == [] and record["errors"] == []


def test_runs_of_other_jobs_are_not_recorded(warehouse_home):
    job = job_named("something_else", fails=True)
    assert finish(job, dg.DagsterRunStatus.FAILURE, automation.record_build_failure) == []


def test_the_data_health_page_shows_a_failed_daemon_run_and_its_error(warehouse_home, monkeypatch):
    """The line the failure recorder wrote, as the page shows it (the warehouse's own tables
    stubbed: the last run is read from runs.jsonl alone)."""
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from dashboards import queries

    finish(
        job_named("build_and_publish", fails=True),
        dg.DagsterRunStatus.FAILURE,
        automation.record_build_failure,
    )
    when = pd.Timestamp("2026-11-26 06:00")
    monkeypatch.setattr(
        queries,
        "source_freshness",
        lambda: pd.DataFrame(
            [["interactions", 1, "interactions/a.csv", when, 1, 0, 36.0, 72.0]],
            columns=[
                "export",
                "files_count",
                "last_file",
                "last_ingested_at",
                "rows_loaded",
                "rows_quarantined",
                "warn_after_hours",
                "error_after_hours",
            ],
        ),  # fmt: skip
    )
    monkeypatch.setattr(
        queries,
        "ingested_files",
        lambda: pd.DataFrame(
            [[when, "interactions", "interactions/a.csv", 1, 1, 0, ""]],
            columns=[
                "ingested_at",
                "export",
                "source_file",
                "rows_in",
                "rows_loaded",
                "rows_quarantined",
                "quarantine_reasons",
            ],
        ),  # fmt: skip
    )
    monkeypatch.setattr(
        queries,
        "validation_results",
        lambda: pd.DataFrame(
            [["raw_interactions", "raw.interactions", True, 3, 0, [], when]],
            columns=[
                "suite_name",
                "table_name",
                "is_success",
                "evaluated_expectations",
                "failed_expectations",
                "failures",
                "validated_at",
            ],
        ),  # fmt: skip
    )
    monkeypatch.setattr(queries, "data_docs_site", lambda: None)
    page = settings.REPO_ROOT / "dashboards" / "views" / "data_health.py"
    app = AppTest.from_file(str(page), default_timeout=60).run()
    assert not app.exception
    # The element holds the Markdown source, escaped by charts.plain: compare the text.
    [shown] = [
        error.value.replace("\\", "") for error in app.error if "Not published" in error.value
    ]
    assert "Failed: published_warehouse." in shown
    assert "RuntimeError: disk full while copying qm.duckdb" in shown
    assert "second line" not in shown
