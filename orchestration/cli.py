"""`qm`: the command line of the quality-management warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings
from orchestration.spc import CHARTS

if TYPE_CHECKING:
    from orchestration.partitions import Days

# Log files of `qm run` kept under data/logs (older ones are removed).
KEPT_RUN_LOGS = 20


# --- arguments -------------------------------------------------------------------------


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def partition_days(text: str) -> Days:
    """An argparse type: a day or a range of days of the daily partitions."""
    from orchestration.partitions import Days

    try:
        return Days.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def number_in_range(
    kind: type,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Callable[[str], float]:
    """An argparse type: a number between low and high (open ends excluded), else a message
    naming the range, which argparse prints with the option's name (exit code 2)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__}, got {text!r}") from None
        below = low is not None and (value <= low if low_open else value < low)
        above = high is not None and (value >= high if high_open else value > high)
        if below or above:
            if high is None:
                bounds = f"above {low}" if low_open else f"at least {low}"
            else:
                bounds = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def positive(kind: type) -> Callable[[str], float]:
    return number_in_range(kind, 0, low_open=True)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def package_version() -> str:
    try:
        return metadata.version("qm-warehouse")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _apply_location_flags(arguments: argparse.Namespace) -> None:
    """Flags override environment variables, which override the defaults."""
    if getattr(arguments, "landing", None):
        os.environ["QM_LANDING"] = str(Path(arguments.landing).resolve())
    if getattr(arguments, "warehouse", None):
        os.environ["QM_WAREHOUSE"] = str(Path(arguments.warehouse).resolve())
        os.environ.pop("QM_BUILD_WAREHOUSE", None)


# --- commands --------------------------------------------------------------------------


def scale_arguments(arguments: argparse.Namespace) -> dict:
    """The --scale preset's size, format, transcript share and streaming, with the options
    given explicitly (--agents, --days, --format, --transcript-share) taking precedence."""
    from orchestration.generate import SCALES

    chosen = dict(SCALES[arguments.scale])
    explicit = {
        "agents": arguments.agents,
        "days": arguments.days,
        "file_format": arguments.file_format,
        "transcript_share": arguments.transcript_share,
    }
    chosen.update({key: value for key, value in explicit.items() if value is not None})
    return chosen


def command_generate(arguments: argparse.Namespace) -> int:
    from orchestration.generate import generate_landing

    out = Path(arguments.out or settings.landing_dir())
    try:
        summary = generate_landing(
            out,
            seed=arguments.seed,
            start=arguments.start,
            faults=arguments.faults,
            causes=arguments.causes,
            progress=lambda message: print(message, flush=True),
            **scale_arguments(arguments),
        )
    except ValueError as error:  # a scenario that does not fit the options, said before writing
        print(f"qm generate: {error}", file=sys.stderr)
        return 2
    print(f"Wrote sample exports to {out}")
    for name, count in summary.items():
        print(f"  {name}: {count}")
    return 0


def run_log_path() -> Path:
    """A new log file for this run under data/logs; the oldest beyond KEPT_RUN_LOGS go."""
    folder = settings.logs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob("qm-run-*.log"))[: -(KEPT_RUN_LOGS - 1)]:
        old.unlink(missing_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"qm-run-{stamp}-{os.getpid()}.log"


def command_run(arguments: argparse.Namespace) -> int:
    from orchestration import run_lock
    from orchestration.pipeline import run_pipeline
    from orchestration.run_display import run_display

    landing = settings.landing_dir()
    if not landing.is_dir():
        print(
            f"qm run: the landing folder {landing} does not exist. Generate sample exports with"
            " `qm generate` or point --landing / QM_LANDING at your exports.",
            file=sys.stderr,
        )
        return 2
    published, build = settings.published_warehouse(), settings.build_warehouse()
    run_id = str(uuid.uuid4())
    try:  # before anything is written: writable folders, and no other run on this warehouse
        run_lock.ensure_writable_folder(published)
        lock = run_lock.acquire(build, run_id)  # held until the run ends
    except run_lock.RunRefused as refused:
        print(f"qm run: {refused}", file=sys.stderr)
        return 2 if isinstance(refused, run_lock.WarehouseUnwritable) else 1
    if lock.takeover_message:
        print(f"qm run: {lock.takeover_message}", flush=True)
    log_path = run_log_path()
    print(f"Building {build} from {landing}", flush=True)
    print(f"Log (dbt's output, Dagster's messages): {log_path}", flush=True)
    started = time.monotonic()
    with lock, log_path.open("w", encoding="utf-8") as log, run_display(sys.stdout) as display:
        summary = run_pipeline(
            log_level=arguments.log_level,
            progress=display.update,
            log=log,
            run_id=run_id,
            full_refresh=arguments.full_refresh,
            days=arguments.days,
        )
        display.finish(summary)
    elapsed = time.monotonic() - started
    if summary.empty_exports:
        print(
            f"Empty exports (nothing landed, or every row quarantined):"
            f" {', '.join(summary.empty_exports)}. The marts built on them are empty.",
            flush=True,
        )
    if summary.file_warnings:
        print("Landed files to look at (see raw.quarantine for the unreadable):", flush=True)
        for line in summary.file_warnings:
            print(f"  {line}", flush=True)
    if summary.published:
        print(f"Published {published} in {elapsed:.0f} s (run {summary.run_id}).")
        return 0
    print(
        f"qm run: the warehouse was NOT published (run {summary.run_id}); "
        + (
            f"the last good warehouse at {published} is unchanged."
            if published.exists()
            else f"no warehouse has been published yet (none at {published})."
        ),
        file=sys.stderr,
    )
    for check in summary.failed_checks:
        print(f"  failed check: {check}", file=sys.stderr)
    for message in summary.messages:
        for line in _message_lines(message):
            print(f"  {line}", file=sys.stderr)
    print(
        f"  Full log: {log_path}. Inspect the run in `dagster dev` (DAGSTER_HOME="
        f"{settings.dagster_home()}) or query qm_meta.validation_results and raw.quarantine"
        f" in {build}.",
        file=sys.stderr,
    )
    return 1


def _message_lines(message: str, limit: int = 8) -> list[str]:
    """A step failure's first line, and the errors dbt reported (dagster-dbt lists them)."""
    # "dagster._core.definitions.events.Failure: ..." reads as "Failure: ...".
    lines = [
        re.sub(r"\b(?:[a-z_]\w*\.)+([A-Z]\w*: )", r"\1", line.strip())
        for line in message.splitlines()
    ]
    lines = [line for line in lines if line]
    if not lines:
        return []
    if "Errors parsed from dbt logs:" in lines:
        errors = lines[lines.index("Errors parsed from dbt logs:") + 1 :]
        return [lines[0], *errors[:limit]]
    return [lines[0]]


def dashboard_command(app: Path, port: int, address: str) -> list[str]:
    """The Streamlit server of `qm dashboard`: headless, on `address` (127.0.0.1 unless told
    otherwise: only this machine can connect), no usage statistics, no Deploy button."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def command_dashboard(arguments: argparse.Namespace) -> int:
    import dashboards

    app = Path(dashboards.__file__).parent / "app.py"
    command = dashboard_command(app, arguments.port, arguments.address)
    from orchestration.docs import serve_data_docs

    # The app reads the published file from QM_WAREHOUSE: pin the one resolved here.
    environment = {**os.environ, "QM_WAREHOUSE": str(settings.published_warehouse())}
    docs_port = arguments.port + 1
    docs = serve_data_docs(docs_port)
    if docs is not None:  # the Data health page links to them
        environment["QM_DATA_DOCS_URL"] = f"http://localhost:{docs_port}/index.html"
    print(f"Serving the dashboards on http://{arguments.address}:{arguments.port} (Ctrl+C to stop)")
    try:
        return subprocess.call(command, env=environment)
    finally:
        if docs is not None:
            docs.terminate()


def command_docs(arguments: argparse.Namespace) -> int:
    from orchestration.docs import build_docs

    for line in build_docs():
        print(line)
    return 0


def command_metrics(arguments: argparse.Namespace) -> int:
    from orchestration.metrics import markdown_table

    print(markdown_table())
    return 0


def command_spark(arguments: argparse.Namespace) -> int:
    from orchestration.spark.build import build_on_spark

    warehouse = Path(arguments.warehouse) if arguments.warehouse else settings.published_warehouse()
    folder = Path(arguments.folder) if arguments.folder else settings.spark_dir()
    if not warehouse.is_file():
        print(f"qm spark: no warehouse at {warehouse} (build one with `qm run`)", file=sys.stderr)
        return 1
    try:
        for line in build_on_spark(warehouse, folder, compare=arguments.compare):
            print(line)
    except RuntimeError as error:
        print(f"qm spark: {error}", file=sys.stderr)
        return 1
    return 0


def command_spc(arguments: argparse.Namespace) -> int:
    from orchestration.spc import analyse_file

    options = {"nsigmas": arguments.nsigmas}
    if arguments.chart == "ewma":
        options["ewma_lambda"] = arguments.ewma_lambda
    if arguments.chart == "cusum":
        options.update(cusum_k=arguments.k, cusum_h=arguments.h)
    if arguments.chart in ("ewma", "cusum"):
        options.update(target=arguments.target, sigma=arguments.sigma)
    if arguments.chart == "imr" and arguments.sigma_method:
        options["sigma_method"] = arguments.sigma_method
    try:
        points = analyse_file(
            Path(arguments.input),
            arguments.chart,
            value=arguments.value,
            size=arguments.size,
            subgroup=arguments.subgroup,
            baseline=arguments.baseline,
            baseline_from=arguments.baseline_from,
            baseline_to=arguments.baseline_to,
            rules=arguments.rules,
            exclude_beyond_limits=arguments.exclude_beyond_limits,
            **options,
        )
    except (ValueError, duckdb_errors()) as error:
        print(f"qm spc: {error}", file=sys.stderr)
        return 2
    if arguments.format == "json":
        print(points.to_json(orient="records", indent=2))
    else:
        print(points.to_csv(index=False), end="")
    return 0


def queue_period(text: str) -> dt.date | None:
    """An argparse type: `next` or an ISO week (YYYY-Www)."""
    from orchestration.evaluation_queue import parse_period

    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def command_queue(arguments: argparse.Namespace) -> int:
    from dashboards.charts import csv_bytes
    from orchestration.evaluation_queue import QueueError, iso_week, read_queue

    warehouse = settings.published_warehouse()
    try:
        rows, week = read_queue(warehouse, arguments.period)
    except QueueError as error:
        print(f"qm queue: {error}", file=sys.stderr)
        return 2
    out = Path(arguments.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(csv_bytes(rows))  # text from data stays data in a spreadsheet
    agents = rows["agent_id"].nunique()
    print(
        f"Wrote {len(rows)} contacts to evaluate in {iso_week(week)} ({agents} agents;"
        f" contacts of {iso_week(week - dt.timedelta(days=7))}) to {out}"
    )
    if rows.empty:
        print(
            "  No contact is selected that week: no agent had a human evaluation to plan from"
            " (see marts.mart_evaluation_coverage)."
        )
    return 0


def import_option(text: str) -> tuple[str, str]:
    """An argparse type: an adapter option `KEY=VALUE`."""
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.replace("-", "_"), value


def command_import(arguments: argparse.Namespace) -> int:
    from orchestration.adapters import AdapterError, make_adapter, write_conversion

    try:
        adapter = make_adapter(arguments.adapter, **dict(arguments.set or []))
    except ValueError as error:
        print(f"qm import: {error}", file=sys.stderr)
        return 2
    landing = settings.landing_dir()
    rejected = 0
    for path in arguments.paths:  # a rejected file does not stop the others
        try:
            conversion = adapter.convert(Path(path))
            written = write_conversion(conversion, landing, adapter.name)
        except (AdapterError, OSError) as error:  # OSError: unreadable, or landed differently
            rejected += 1
            print(f"qm import: rejected {error}", file=sys.stderr)
            continue
        print(f"{path}:")
        for file in written:
            state = "unchanged, already landed" if file.unchanged else "written"
            print(f"  {file.export}: {file.rows} rows → {file.path} ({state})")
        for note in conversion.notes:
            print(f"  note: {note}")
    if rejected:
        print(f"qm import: {rejected} of {len(arguments.paths)} files rejected", file=sys.stderr)
    return 1 if rejected else 0


def duckdb_errors() -> type[Exception]:
    import duckdb

    return duckdb.Error


# --- parser ----------------------------------------------------------------------------

LOCATIONS = """\
Paths resolve from QM_HOME (default: the current folder): data/landing,
data/warehouse/qm.duckdb, data/validation, data/dagster_home, data/logs. Override them with
QM_LANDING, QM_WAREHOUSE, QM_BUILD_WAREHOUSE, QM_VALIDATION_DIR, DAGSTER_HOME, or the flags."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qm", description=__doc__, epilog=LOCATIONS, formatter_class=HelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=summary, formatter_class=HelpFormatter
        )

    def with_locations(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--landing",
            metavar="DIR",
            help="landing folder of the exports (else QM_LANDING, else data/landing)",
        )
        sub.add_argument(
            "--warehouse",
            metavar="FILE",
            help="published DuckDB file (else QM_WAREHOUSE, else data/warehouse/qm.duckdb);"
            " the pipeline builds <name>.build.duckdb beside it",
        )
        return sub

    generate = command("generate", "write realistic sample exports (and their ground truth)")
    generate.add_argument(
        "--out", metavar="DIR", help="folder to write (default: the landing folder)"
    )
    generate.add_argument(
        "--seed", type=int, metavar="N", default=7, help="random seed (same seed, same data)"
    )
    generate.add_argument(
        "--scale",
        default="demo",
        choices=["small", "demo", "1m", "10m"],
        help="size preset: small (24 agents, 42 days: the tests' sample), demo (40 agents,"
        " 112 days, the default), 1m (400 agents, 190 days: about 1M interactions, streamed,"
        " Parquet), 10m (2,000 agents, 365 days: about 10M interactions, streamed, Parquet,"
        " transcripts for 10 %% of contacts)",
    )
    generate.add_argument(
        "--agents",
        metavar="N",
        type=number_in_range(int, 1),
        help="agents on the roster (≥ 1; default: the --scale preset's, 40 for demo)",
    )
    generate.add_argument(
        "--days",
        metavar="N",
        type=number_in_range(int, 1),
        help="days of contacts (≥ 1; --causes recent needs ≥ 56; default: the --scale"
        " preset's, 112 for demo)",
    )
    generate.add_argument(
        "--format",
        dest="file_format",
        choices=["csv", "parquet"],
        help="file format of the tabular exports (transcripts are always Parquet, surveys JSON"
        " Lines; default: csv for small and demo, parquet for 1m and 10m)",
    )
    generate.add_argument(
        "--transcript-share",
        metavar="SHARE",
        type=number_in_range(float, 0, 1, low_open=True),
        help="share of handled contacts with a transcript (0 < share ≤ 1; default: 1 for"
        " small, demo and 1m, 0.1 for 10m)",
    )
    generate.add_argument(
        "--start",
        metavar="DATE",
        type=iso_date,
        default=dt.date(2026, 6, 1),
        help="first day (YYYY-MM-DD)",
    )
    generate.add_argument(
        "--faults",
        metavar="SHARE",
        type=number_in_range(float, 0, 1, high_open=True),
        default=0.0,
        help="share of rows given a contract violation (0 ≤ share < 1), listed in"
        " faults_manifest.csv",
    )
    generate.add_argument(
        "--causes",
        default="default",
        choices=["default", "recent", "none"],
        help="special causes: default (mid-period, the demo), recent (still running at the"
        " end), none (a quiet period)",
    )
    generate.set_defaults(handler=command_generate)

    run = with_locations(command("run", "ingest, build, validate and publish the warehouse"))
    run.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="detail of Dagster's messages in the run's log file",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental models from every row instead of only the contacts"
        " the new files touched (the same marts either way; see README, Incremental runs)",
    )
    run.add_argument(
        "--days",
        metavar="FIRST[:LAST]",
        type=partition_days,
        help="ingest only the files of these days from the daily exports (interactions,"
        " transcripts, evaluations, answers; a file's day is the date in its name, else the day"
        " it landed); default: every new file",
    )
    run.set_defaults(handler=command_run)

    dashboard = with_locations(command("dashboard", "serve the dashboards (Streamlit)"))
    dashboard.add_argument(
        "--port",
        metavar="PORT",
        type=number_in_range(int, 1, 65534),
        default=8501,
        help="TCP port to serve on (the Data Docs are served on the next one)",
    )
    dashboard.add_argument(
        "--address",
        metavar="ADDRESS",
        default="127.0.0.1",
        help="interface to listen on: 127.0.0.1 (default) lets only this machine connect;"
        " 0.0.0.0 shares the dashboards with the network",
    )
    dashboard.set_defaults(handler=command_dashboard)

    spc = command("spc", "control chart of a CSV/Parquet file with the warehouse's SPC engine")
    spc.add_argument("--chart", required=True, choices=list(CHARTS), help="chart type")
    spc.add_argument("--input", required=True, help=".csv or .parquet file")
    spc.add_argument("--value", default="value", help="count (p/np/c/u) or measurement column")
    spc.add_argument("--size", help="column of units inspected per subgroup (p, np, u)")
    spc.add_argument("--subgroup", help="subgroup column (default: each row its own subgroup)")
    baseline = spc.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline",
        type=number_in_range(int, 1),
        help="the first K subgroups form the baseline (default: all subgroups)",
    )
    baseline.add_argument("--baseline-from", help="first subgroup of the baseline")
    spc.add_argument("--baseline-to", help="last subgroup of the baseline")
    spc.add_argument(
        "--exclude-beyond-limits",
        action="store_true",
        help="Phase I: drop baseline subgroups beyond the limits and recompute until none",
    )
    spc.add_argument(
        "--rules",
        default="we",
        choices=["we", "nelson", "none"],
        help="run rules: Western Electric (1-4), Nelson (1-8), or none",
    )
    spc.add_argument(
        "--nsigmas", type=positive(float), default=3.0, help="limit width in sigmas (L for EWMA)"
    )
    spc.add_argument(
        "--lambda",
        dest="ewma_lambda",
        type=number_in_range(float, 0, 1, low_open=True),
        default=0.2,
        help="EWMA smoothing weight λ (0 < λ ≤ 1)",
    )
    spc.add_argument(
        "--k", type=number_in_range(float, 0), default=0.5, help="CUSUM reference value (sigmas)"
    )
    spc.add_argument(
        "--h", type=positive(float), default=5.0, help="CUSUM decision interval (sigmas)"
    )
    spc.add_argument("--target", type=float, help="known process mean (EWMA, CUSUM)")
    spc.add_argument("--sigma", type=positive(float), help="known process sigma (EWMA, CUSUM)")
    spc.add_argument(
        "--sigma-method",
        choices=["mr", "sd"],
        help="I-MR sigma estimator: moving range or standard deviation (default: mr)",
    )
    spc.add_argument("--format", default="csv", choices=["csv", "json"], help="output format")
    spc.set_defaults(handler=command_spc)

    spark = command(
        "spark",
        "build the dbt project on a local Apache Spark from a built warehouse's raw layer",
    )
    spark.add_argument(
        "--warehouse",
        metavar="FILE",
        help="DuckDB file whose raw layer to export (else QM_WAREHOUSE, else"
        " data/warehouse/qm.duckdb)",
    )
    spark.add_argument(
        "--folder",
        metavar="DIR",
        help="where the raw Parquet (raw/), Spark's tables (warehouse/) and dbt's files go"
        " (else QM_SPARK_DIR, else data/spark)",
    )
    spark.add_argument(
        "--compare",
        action="store_true",
        help="compare every table built with the DuckDB file's (numbers to 1e-9); exit 1 if"
        " any differs",
    )
    spark.set_defaults(handler=command_spark)

    queue = command("queue", "write the evaluation queue (contacts for evaluators) as CSV")
    queue.add_argument(
        "--warehouse",
        metavar="FILE",
        help="published DuckDB file to read (else QM_WAREHOUSE, else data/warehouse/qm.duckdb)",
    )
    queue.add_argument(
        "--period",
        default="next",
        type=queue_period,
        metavar="WEEK",
        help="`next` (the latest queue week: the contacts of the last complete week) or the"
        " ISO week evaluators work the queue, e.g. 2026-W14",
    )
    queue.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="CSV file to write: the selected contacts with agent, channel, day, flags,"
        " inclusion probability and sampling weight",
    )
    queue.set_defaults(handler=command_queue)

    docs = with_locations(command("docs", "build dbt docs and GE Data Docs under data/docs"))
    docs.set_defaults(handler=command_docs)

    metrics = command("metrics", "print the metric registry as a Markdown table (the README's)")
    metrics.set_defaults(handler=command_metrics)

    import_ = with_locations(
        command("import", "convert vendor exports into landing files (see orchestration/adapters)")
    )
    import_.add_argument("adapter", metavar="ADAPTER", help="vendor adapter, e.g. amazon-connect")
    import_.add_argument("paths", metavar="PATH", nargs="+", help="vendor export files")
    import_.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        type=import_option,
        help="adapter option, e.g. contact_id=<ContactId> for a Contact Lens file without one",
    )
    import_.set_defaults(handler=command_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return 0
    _apply_location_flags(arguments)
    return arguments.handler(arguments)


if __name__ == "__main__":
    sys.exit(main())
