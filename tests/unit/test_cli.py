"""`qm`: help, defaults, range checks, version, and what `qm run` prints."""

from __future__ import annotations

import argparse
import io
import re

import pytest
from rich.console import Console

from orchestration.cli import build_parser, main
from orchestration.pipeline import Progress, RunSummary
from orchestration.run_display import LiveDisplay, PlainDisplay, run_display

ANSI_ESCAPE = re.compile(r"\x1b\[")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_has_help_and_shows_its_default(capsys):
    for name, sub in subcommands(build_parser()).items():
        sub.print_help()
        text = " ".join(capsys.readouterr().out.split())
        for action in sub._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            assert action.help, f"qm {name} {action.option_strings[0]} has no help"
            if action.default not in (None, False) and action.dest != "help":
                assert f"(default: {action.default})" in text, (name, action.dest)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["generate", "--agents", "0"], "--agents: must be at least 1, got 0"),
        (["generate", "--days", "0"], "--days: must be at least 1, got 0"),
        (["generate", "--faults", "5"], "--faults: must be in [0, 1), got 5"),
        (["generate", "--faults", "1"], "--faults: must be in [0, 1), got 1"),
        (["generate", "--faults", "-0.1"], "--faults: must be in [0, 1), got -0.1"),
        (["generate", "--start", "June"], "--start: expected a date as YYYY-MM-DD"),
        (["dashboard", "--port", "0"], "--port: must be in [1, 65534], got 0"),
        (["dashboard", "--port", "65535"], "--port: must be in [1, 65534], got 65535"),
        (["spc", "--chart", "ewma", "--input", "x.csv", "--lambda", "0"], "must be in (0, 1]"),
        (["spc", "--chart", "p", "--input", "x.csv", "--nsigmas", "-1"], "must be above 0"),
        (["run", "--days", "2026-11"], "--days: expected YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD"),
        (["run", "--days", "2026-11-03:2026-11-01"], "the first day is after the last"),
        (["run", "--days", "2019-06-01"], "partitions from 2020-01-01 to today"),
    ],
)
def test_out_of_range_options_are_refused_with_a_message_and_exit_code_2(
    capsys, arguments, message
):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_edge_values_of_the_ranges_are_accepted():
    parser = build_parser()
    arguments = parser.parse_args(["generate", "--agents", "1", "--days", "1", "--faults", "0"])
    assert (arguments.agents, arguments.days, arguments.faults) == (1, 1, 0.0)
    assert parser.parse_args(["dashboard", "--port", "65534"]).port == 65534
    days = parser.parse_args(["run", "--days", "2026-11-01:2026-11-03"]).days
    assert (days.first.isoformat(), days.last.isoformat()) == ("2026-11-01", "2026-11-03")


def test_bare_qm_prints_help_and_succeeds(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "usage: qm" in out and "generate" in out and "run" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert re.match(r"qm \S+", capsys.readouterr().out)


def events() -> list[Progress]:
    return [
        Progress("ingest", "interactions/interactions_0001.csv", "ok", "10 rows in, 10 loaded"),
        Progress("validate", "ge_raw_interactions", "ok", "10 expectations on 10 rows"),
        Progress("dbt", "build", "start", "3 models and tests", 3),
        Progress("dbt", "staging.stg_interactions", "ok"),
        Progress("dbt", "test unique_stg_interactions_id", "ok"),
        Progress("dbt", "test not_null_stg_interactions_id", "failed"),
        Progress("validate", "ge_mart_fct_interactions", "failed", "1 failed: column x"),
        Progress("publish", "/tmp/qm.duckdb", "failed", "1 blocking checks failed"),
    ]


def test_plain_display_prints_one_line_per_file_model_failure_and_suite():
    out = io.StringIO()
    display = PlainDisplay(out)
    for event in events():
        display.update(event)
    display.finish(RunSummary(run_id="r", success=False, published=False))
    lines = out.getvalue().splitlines()
    assert lines == [
        "ingest    interactions/interactions_0001.csv: ok (10 rows in, 10 loaded)",
        "validate  ge_raw_interactions: ok (10 expectations on 10 rows)",
        "dbt       build: 3 models and tests",
        "dbt       staging.stg_interactions: ok",
        "dbt       test not_null_stg_interactions_id: FAILED",
        "dbt       3 of 3 models and tests done, 1 failed",
        "validate  ge_mart_fct_interactions: FAILED (1 failed: column x)",
        "publish   /tmp/qm.duckdb: FAILED (1 blocking checks failed)",
    ]


def test_not_a_terminal_gets_plain_lines_without_colour_codes():
    out = io.StringIO()
    with run_display(out) as display:
        assert isinstance(display, PlainDisplay)
        for event in events():
            display.update(event)
    assert not ANSI_ESCAPE.search(out.getvalue())


def test_live_display_marks_each_step_done_or_failed():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with LiveDisplay(console) as display:
        for event in events()[:4]:
            display.update(event)
        display.update(Progress("publish", "/tmp/qm.duckdb", "ok"))
        display.finish(RunSummary(run_id="r", success=True, published=True))
    final = out.getvalue().split("\x1b[?25l")[-1]
    for title in ("Ingest", "dbt build", "Validation", "Publication"):
        assert re.search(rf"✓ {title}", final), title
    assert "published /tmp/qm.duckdb" in out.getvalue()


@pytest.mark.slow
def test_qm_run_piped_prints_progress_not_dbt_output(generated_run):
    """The run's output, piped: a line per file, model and suite and the publication, a log
    path, no dbt chatter and no colour codes; dbt's own output is in the log file."""
    output = generated_run.output
    assert not ANSI_ESCAPE.search(output)
    assert "Found " not in output and "START sql" not in output  # dbt's own lines
    for expected in ("ingest    interactions/", "dbt       marts.fct_evaluations: ok",
                     "validate  ge_mart_fct_evaluations: ok", "publish   "):  # fmt: skip
        assert expected in output
    log_path = re.search(r"Log \(dbt's output, Dagster's messages\): (\S+)", output).group(1)
    log = open(log_path, encoding="utf-8").read()
    assert "Completed successfully" in log and "OK created sql table model" in log
    assert not ANSI_ESCAPE.search(log)
    # Nothing but the run's own lines: the header, one line per unit of work, the outcome.
    prefixes = ("Building ", "Log ", "ingest ", "dbt ", "validate ", "publish ", "Published ")
    assert [line for line in output.splitlines() if not line.startswith(prefixes)] == []


def test_a_failed_dbt_step_is_summarised_by_the_errors_dbt_reported():
    from orchestration.cli import _message_lines

    message = (
        "warehouse_models: dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process"
        " failed\n\nErrors parsed from dbt logs:\nDatabase Error in model fct_x\n  syntax error"
    )
    assert _message_lines(message) == [
        "warehouse_models: DagsterDbtCliRuntimeError: The dbt CLI process failed",
        "Database Error in model fct_x",
        "syntax error",
    ]


def test_spark_without_a_built_warehouse_says_so(tmp_path, capsys):
    missing = tmp_path / "qm.duckdb"
    assert main(["spark", "--warehouse", str(missing), "--folder", str(tmp_path / "spark")]) == 1
    assert f"no warehouse at {missing}" in capsys.readouterr().err
    assert not (tmp_path / "spark").exists()
