"""`qm`: the command line of the quality-management warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from orchestration import settings
from orchestration.spc import CHARTS


def _apply_location_flags(arguments: argparse.Namespace) -> None:
    """Flags override environment variables, which override the defaults."""
    if getattr(arguments, "landing", None):
        os.environ["QM_LANDING"] = str(Path(arguments.landing).resolve())
    if getattr(arguments, "warehouse", None):
        os.environ["QM_WAREHOUSE"] = str(Path(arguments.warehouse).resolve())
        os.environ.pop("QM_BUILD_WAREHOUSE", None)
    settings.export_environment()


def command_generate(arguments: argparse.Namespace) -> int:
    from orchestration.generate import generate_landing

    out = Path(arguments.out or settings.landing_dir())
    try:
        summary = generate_landing(
            out,
            seed=arguments.seed,
            agents=arguments.agents,
            days=arguments.days,
            start=arguments.start,
            faults=arguments.faults,
            causes=arguments.causes,
            progress=lambda message: print(message, flush=True),
        )
    except ValueError as error:  # a scenario that does not fit the options, said before writing
        print(f"qm generate: {error}", file=sys.stderr)
        return 2
    print(f"Wrote sample exports to {out}")
    for name, count in summary.items():
        print(f"  {name}: {count}")
    return 0


def command_run(arguments: argparse.Namespace) -> int:
    from orchestration.pipeline import run_pipeline

    landing = settings.landing_dir()
    if not landing.is_dir():
        print(
            f"qm run: the landing folder {landing} does not exist. Generate sample exports with"
            " `qm generate` or point --landing / QM_LANDING at your exports.",
            file=sys.stderr,
        )
        return 2
    print(f"Building {settings.build_warehouse()} from {landing} ...", flush=True)
    summary = run_pipeline(log_level=arguments.log_level)
    if summary.published:
        print(f"Published {settings.published_warehouse()} (run {summary.run_id}).")
        return 0
    print(
        f"qm run: the warehouse was NOT published (run {summary.run_id}); the last good"
        f" warehouse at {settings.published_warehouse()} is unchanged.",
        file=sys.stderr,
    )
    for check in summary.failed_checks:
        print(f"  failed check: {check}", file=sys.stderr)
    for message in summary.messages:
        print(f"  {message.splitlines()[0]}", file=sys.stderr)
    print(
        "  Inspect the run in `dagster dev` (DAGSTER_HOME) or query qm_meta.validation_results"
        " and raw.quarantine in the build file.",
        file=sys.stderr,
    )
    return 1


def command_dashboard(arguments: argparse.Namespace) -> int:
    app = settings.REPO_ROOT / "dashboards" / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(arguments.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    print(f"Serving the dashboards on http://localhost:{arguments.port} (Ctrl+C to stop)")
    return subprocess.call(command)


def command_docs(arguments: argparse.Namespace) -> int:
    from orchestration.docs import build_docs

    for line in build_docs():
        print(line)
    return 0


def command_metrics(arguments: argparse.Namespace) -> int:
    from orchestration.metrics import markdown_table

    print(markdown_table())
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


def duckdb_errors() -> type[Exception]:
    import duckdb

    return duckdb.Error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qm", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def with_locations(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--landing", help="landing folder (env QM_LANDING; data/landing)")
        sub.add_argument(
            "--warehouse", help="published DuckDB file (env QM_WAREHOUSE; data/warehouse/qm.duckdb)"
        )
        return sub

    generate = commands.add_parser("generate", help="write realistic sample exports")
    generate.add_argument("--out", help="folder to write (default: the landing folder)")
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument("--agents", type=int, default=40)
    generate.add_argument("--days", type=int, default=112)
    generate.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1))
    generate.add_argument(
        "--faults", type=float, default=0.0, help="share of rows given a contract violation"
    )
    generate.add_argument(
        "--causes",
        default="default",
        choices=["default", "recent", "none"],
        help="special causes: default (the demo), recent (still running at the end), none",
    )
    generate.set_defaults(handler=command_generate)

    run = with_locations(commands.add_parser("run", help="ingest, build, validate, publish"))
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    run.set_defaults(handler=command_run)

    dashboard = with_locations(commands.add_parser("dashboard", help="serve the dashboards"))
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(handler=command_dashboard)

    spc = commands.add_parser(
        "spc", help="control chart of a CSV/Parquet file with the warehouse's SPC engine"
    )
    spc.add_argument("--chart", required=True, choices=list(CHARTS))
    spc.add_argument("--input", required=True, help=".csv or .parquet file")
    spc.add_argument("--value", default="value", help="count (p/np/c/u) or measurement column")
    spc.add_argument("--size", help="units inspected per subgroup (p, np, u)")
    spc.add_argument("--subgroup", help="subgroup column (default: each row its own subgroup)")
    baseline = spc.add_mutually_exclusive_group()
    baseline.add_argument("--baseline", type=int, help="first K subgroups form the baseline")
    baseline.add_argument("--baseline-from", help="first subgroup of the baseline")
    spc.add_argument("--baseline-to", help="last subgroup of the baseline")
    spc.add_argument(
        "--exclude-beyond-limits",
        action="store_true",
        help="Phase I: drop baseline subgroups beyond the limits and recompute until none",
    )
    spc.add_argument("--rules", default="we", choices=["we", "nelson", "none"])
    spc.add_argument("--nsigmas", type=float, default=3.0, help="limit width (L for EWMA)")
    spc.add_argument("--lambda", dest="ewma_lambda", type=float, default=0.2)
    spc.add_argument("--k", type=float, default=0.5, help="CUSUM reference value (sigmas)")
    spc.add_argument("--h", type=float, default=5.0, help="CUSUM decision interval (sigmas)")
    spc.add_argument("--target", type=float, help="known process mean (EWMA, CUSUM)")
    spc.add_argument("--sigma", type=float, help="known process sigma (EWMA, CUSUM)")
    spc.add_argument("--sigma-method", choices=["mr", "sd"], help="I-MR sigma estimator")
    spc.add_argument("--format", default="csv", choices=["csv", "json"])
    spc.set_defaults(handler=command_spc)

    docs = with_locations(commands.add_parser("docs", help="build dbt docs and GE Data Docs"))
    docs.set_defaults(handler=command_docs)

    metrics = commands.add_parser(
        "metrics", help="the metric registry as a Markdown table (the README's)"
    )
    metrics.set_defaults(handler=command_metrics)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    _apply_location_flags(arguments)
    return arguments.handler(arguments)


if __name__ == "__main__":
    sys.exit(main())
