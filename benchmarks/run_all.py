"""`make bench`: throughput and peak memory of the generator, the ingest and the pipeline,
how fast each dashboard page renders on the demo warehouse (`qm generate` defaults), and how
well the attention list finds injected special causes over several seeds (precision,
recall, and what a quiet period lists).

Each measurement runs in its own process (so peak RSS is its own), prints rows/s and peak
memory, and compares them with `benchmarks/baseline.json` (ratio > 1 = faster / leaner than
the baseline). `--update-baseline` stores this machine's numbers as the new baseline.
The same landing is also loaded into DuckDB with plain `create table as select` (the load
floor), and every stage, and every step of `qm run` (ingest, dbt, validate, publish, as the
run recorded them in runs.jsonl), is put against it in a summary table. Every number goes to
`benchmarks/results/<date>-<machine>.json`, with dbt's time per model.
Never a timed test: `--smoke` (a tiny landing, `make test` runs it) checks that it works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
RESULTS = HERE / "results"
SIZES = {"agents": 200, "days": 28}
SMOKE_SIZES = {"agents": 6, "days": 14}
ATTENTION_SEEDS = (1, 2, 3, 4, 5)
ATTENTION_SIZE = ["--agents", "24", "--days", "84"]

MEASURE = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
import duckdb
stage, folder, sizes = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
agents, days = sizes["agents"], sizes["days"]
started = time.perf_counter()
extra = {}
if stage == "generate":
    from orchestration.generate import generate_landing
    counts = generate_landing(folder / "landing", seed=1, **sizes)
    rows = sum(counts.values())
elif stage == "floor":
    # The load floor: every landed file into a DuckDB file with a plain `create table as
    # select` (no contract, no redaction, no model): what the pipeline is compared with.
    readers = {".csv": "read_csv", ".parquet": "read_parquet", ".jsonl": "read_json"}
    files = sorted(path for path in (folder / "landing").glob("*/*") if path.suffix in readers)
    rows = 0
    with duckdb.connect(str(folder / "floor.duckdb")) as connection:
        for number, path in enumerate(files):
            table = f"file_{number}"
            connection.execute(f"create table {table} as select * from"
                               f" {readers[path.suffix]}('{path}')")
            rows += connection.execute(f"select count(*) from {table}").fetchone()[0]
elif stage == "pandas":
    # The core marts as a notebook would compute them (benchmarks/pandas_reference.py), kept
    # for the comparison with the warehouse's marts once the pipeline has built them.
    from benchmarks.pandas_reference import core_marts
    marts = core_marts(folder / "landing")
    (folder / "pandas").mkdir(exist_ok=True)
    for name, frame in marts.items():
        frame.to_parquet(folder / "pandas" / f"{name}.parquet")
    rows = sum(len(frame) for frame in marts.values())
elif stage == "agreement":  # not timed: the pandas reference against the built marts
    import pandas as pd
    from benchmarks.pandas_reference import MART_QUERIES, compare_with_marts
    marts = {name: pd.read_parquet(folder / "pandas" / f"{name}.parquet")
             for name in MART_QUERIES}
    print(json.dumps(compare_with_marts(marts, folder / "wh" / "qm.duckdb")))
    sys.exit(0)
elif stage == "ingest":
    from orchestration.ingest import INGEST_ORDER, ingest_export
    with duckdb.connect(str(folder / "ingest.duckdb")) as connection:
        rows = sum(ingest_export(connection, export, folder / "landing").total("rows_in")
                   for export in INGEST_ORDER)
elif stage == "pages":
    # The demo warehouse (`qm generate` defaults), as `make demo` serves it, or the published
    # warehouse --pages-on names.
    import os, subprocess
    if len(sys.argv) > 4:
        os.environ["QM_WAREHOUSE"] = sys.argv[4]
    else:
        demo = folder / "demo"
        for command in (["generate", "--out", str(demo / "landing")],
                        ["run", "--landing", str(demo / "landing"),
                         "--warehouse", str(demo / "qm.duckdb")]):
            subprocess.run([sys.executable, "-m", "orchestration.cli", *command], check=True,
                           capture_output=True)
        os.environ["QM_WAREHOUSE"] = str(demo / "qm.duckdb")
    from streamlit.testing.v1 import AppTest
    import altair, dashboards.charts, dashboards.queries  # a running server has these loaded
    # AppTest scans installed packages once per process and adds its own start-up to every
    # first run: time the page script itself, as the server would spend it.
    AppTest.from_string("import streamlit as st\nst.empty()").run()
    # Every query a page sends, timed where the pages send it (dashboards.queries.query):
    # on the first run the warehouse answers each; the second run is served from the cache.
    queries_sent = []
    send = dashboards.queries.query
    def timed_query(sql, params=()):
        tick = time.perf_counter()
        try:
            return send(sql, params)
        finally:
            queries_sent.append((time.perf_counter() - tick, " ".join(sql.split())))
    dashboards.queries.query = timed_query
    timer = folder / "page_seconds.txt"
    wrapper = (
        "import runpy, time\n"
        "started = time.perf_counter()\n"
        "try:\n"
        "    runpy.run_path({page!r})\n"
        "finally:\n"
        "    with open({timer!r}, 'a') as out:\n"
        "        out.write(f'{{time.perf_counter() - started}}\\n')\n"
    )
    with duckdb.connect(os.environ["QM_WAREHOUSE"], read_only=True) as connection:
        longest = connection.execute(
            "select metric, grain, segment_kind, segment_value from marts.mart_spc_series"
            " where metric_detail = '' order by last_subgroup - first_subgroup desc,"
            " grain, segment_kind = 'all' desc limit 1").df().iloc[0].to_dict()
    views = [(page.stem, {}) for page in sorted(Path("dashboards/views").glob("*.py"))]
    views.append(("control_chart", longest))
    timings = {}
    for page, query_params in views:
        script = str(Path("dashboards/views", page + ".py").resolve())
        app = AppTest.from_string(wrapper.format(page=script, timer=str(timer)),
                                  default_timeout=120)
        app.query_params.update(query_params)
        timer.write_text("")
        queries_sent.clear()
        app.run()
        slowest, slowest_sql = max(queries_sent, default=(0.0, ""))
        sent = len(queries_sent)
        app.run()
        assert not app.exception, (page, app.exception)
        cold, warm = (float(line) for line in timer.read_text().split())
        view = page + "?" + "&".join(f"{k}={v}" for k, v in query_params.items())
        timings[view.rstrip("?")] = {"cold_seconds": round(cold, 3),
                                     "warm_seconds": round(warm, 3),
                                     "queries": sent,
                                     "query_seconds": round(sum(
                                         seconds for seconds, _ in queries_sent[:sent]), 3),
                                     "slowest_query_ms": round(slowest * 1000),
                                     "slowest_query": slowest_sql[:200]}
    print(json.dumps({"rows": len(timings), "seconds": time.perf_counter() - started,
                      "rows_per_second": 0.0, "peak_mib": 0.0, "pages": timings}))
    sys.exit(0)
elif stage == "intelligence":
    # Conversation intelligence on >= 1M transcript turns: redaction (in-process, as the
    # ingest runs it), then sentiment, cues, friction and machine scoring (stg_transcripts and
    # the dbt models of models/intermediate/conversations, timed by dbt itself on the
    # pipeline's build file),
    # against a plain vaderSentiment loop over a sample of the same turns.
    import os, random, subprocess
    import pyarrow.parquet as pq
    from orchestration.ingest.redaction import redact_array
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    landing, wh = folder / "intel" / "landing", folder / "intel" / "qm.duckdb"
    for command in (["generate", "--out", str(landing), "--seed", "1", "--agents",
                     str(agents), "--days", str(days)],
                    ["run", "--landing", str(landing), "--warehouse", str(wh)]):
        subprocess.run([sys.executable, "-m", "orchestration.cli", *command], check=True,
                       capture_output=True)
    texts = pq.read_table(next((landing / "transcripts").glob("*.parquet")),
                          columns=["text"]).column("text")
    turns = len(texts)
    tick = time.perf_counter(); redact_array(texts); redaction = time.perf_counter() - tick
    build = wh.with_name("qm.build.duckdb")
    target = folder / "intel" / "target"
    tick = time.perf_counter()
    from orchestration.settings import dbt_executable
    subprocess.run([dbt_executable(), "run", "--select",
                    "stg_transcripts path:models/intermediate/conversations",
                    "--target-path", str(target), "--log-path", str(target)],
                   cwd="dbt_project", check=True, capture_output=True,
                   env={**os.environ, "QM_BUILD_WAREHOUSE": str(build)})
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}
    sample = random.Random(1).sample(texts.to_pylist(), min(20000, turns))
    analyzer = SentimentIntensityAnalyzer()
    tick = time.perf_counter()
    for text in sample:
        analyzer.polarity_scores(text or "")
    vader = len(sample) / (time.perf_counter() - tick)
    seconds = redaction + sum(models.values())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rows": turns, "seconds": seconds, "rows_per_second": turns / seconds,
                      "peak_mib": peak, "redaction_seconds": redaction,
                      "model_seconds": models, "vader_turns_per_second": vader}))
    sys.exit(0)
else:
    from benchmarks.process_tree import run_sampled
    def qm_run(landing, warehouse):
        # `qm run` and every process it starts (dbt): the peak of their summed memory
        return run_sampled([sys.executable, "-m", "orchestration.cli", "run", "--landing",
                            str(landing), "--warehouse", str(warehouse / "qm.duckdb")],
                           warehouse.parent / f"{stage}-qm-run.log")
    warehouse, first_load = folder / "wh", 0
    if stage == "incremental":
        # A day's run: the landing without its last day's exports (benchmarks/split_landing.py)
        # built in full first, not timed; then the last day's files landed and built.
        import shutil
        from benchmarks.split_landing import split_landing
        truth = json.loads((folder / "landing" / "ground_truth.json").read_text())
        last_day = dt.date.fromisoformat(truth["parameters"]["start"]) + dt.timedelta(days - 1)
        earlier, last = split_landing(folder / "landing", [last_day.isoformat()])
        warehouse = folder / "incremental"
        shutil.copytree(earlier, warehouse / "landing")
        tick = time.perf_counter()
        first = qm_run(warehouse / "landing", warehouse)
        extra["first_build"] = {"seconds": time.perf_counter() - tick, **first}
        with duckdb.connect(str(warehouse / "qm.duckdb"), read_only=True) as connection:
            first_load = connection.execute("select max(load_sequence) + 1 from raw.file_ledger"
                                            ).fetchone()[0]
        shutil.copytree(last, warehouse / "landing", dirs_exist_ok=True)
        started = time.perf_counter()
        extra.update(qm_run(warehouse / "landing", warehouse))  # its own peak, not the first's
    else:
        extra.update(qm_run(folder / "landing", warehouse))
    with duckdb.connect(str(warehouse / "qm.duckdb"), read_only=True) as connection:
        rows = connection.execute("select sum(rows_in) from raw.file_ledger"
                                  " where load_sequence >= ?", [first_load]).fetchall()[0][0]
        if stage == "incremental":
            extra["dbt_build"] = connection.execute(
                "select case when full_refresh then 'full refresh: ' else 'incremental: ' end"
                " || reason from qm_meta.model_builds order by built_through_load desc limit 1"
            ).fetchone()[0]
    # Where the time went, as the run recorded it (runs.jsonl) and dbt timed each model.
    [*_, run] = (warehouse / "runs.jsonl").read_text().splitlines()
    extra["steps"] = json.loads(run)["step_seconds"]
    results = json.loads((folder / "data" / "dbt" / "build" / "run_results.json").read_text())
    extra["dbt_models"] = {
        result["unique_id"].split(".")[-1]: round(result["execution_time"], 2)
        for result in sorted(results["results"], key=lambda result: -result["execution_time"])
        if result["unique_id"].startswith("model.")
    }
seconds = time.perf_counter() - started
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
                  "peak_mib": peak, **extra}))  # extra's peak_mib, if any, wins
"""


# Contacts of the intelligence stage: about 1.2 million transcript turns.
INTELLIGENCE_SIZES = {"agents": 200, "days": 48}


# What `--scale` measures at a preset of `qm generate --scale` (orchestration.generate.SCALES),
# and each preset's goal for a full build (issue 22): minutes, GiB.
SCALE_STAGES = ("generate", "floor", "pandas", "pipeline", "incremental", "pages")
SCALE_GOALS = {"1m": (5, 8), "10m": (15, 8)}


def measure(stage: str, folder: Path, sizes: dict, *more: str) -> dict:
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "false",
        "DAGSTER_HOME": str(folder / "dh"),
        "QM_HOME": str(folder),  # dbt's files and the validation results stay in the folder
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            stage,
            str(folder),
            json.dumps(sizes),
            *more,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE.parent,
    )
    if completed.returncode:
        sys.exit(f"make bench: stage {stage} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def attention(folder: Path) -> dict:
    """Build `--causes none` and `--causes recent` landings per seed and score the lists
    against the generator's ground truth (orchestration.generate.detection)."""
    import duckdb

    from orchestration.generate.detection import detect

    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    totals = {"quiet_items": [], "causes": 0, "found": 0, "items": 0, "true_items": 0}
    for seed in ATTENTION_SEEDS:
        for causes in ("none", "recent"):
            work = folder / f"attention_{causes}_{seed}"
            commands = (
                ["generate", "--out", str(work / "landing"), "--causes", causes,
                 "--seed", str(seed), *ATTENTION_SIZE],
                ["run", "--landing", str(work / "landing"),
                 "--warehouse", str(work / "qm.duckdb")],
            )  # fmt: skip
            for command in commands:
                subprocess.run(
                    [sys.executable, "-m", "orchestration.cli", *command],
                    check=True, capture_output=True, cwd=HERE.parent,
                    env={**env, "DAGSTER_HOME": str(work / "dh"),
                         "QM_VALIDATION_DIR": str(work / "validation")},
                )  # fmt: skip
            truth = json.loads((work / "landing" / "ground_truth.json").read_text())
            with duckdb.connect(str(work / "qm.duckdb"), read_only=True) as connection:
                detection = detect(connection, truth, top=5)
            if causes == "none":
                totals["quiet_items"].append(detection.items)
            else:
                for key in ("causes", "found", "items", "true_items"):
                    totals[key] += getattr(detection, key)
            print(f"attention seed {seed} {causes:6s}: {detection}", flush=True)
    return totals


def agreement(folder: Path, sizes: dict) -> dict:
    """The pandas reference against the warehouse the pipeline built from the same landing."""
    found = measure("agreement", folder, sizes)
    for name, result in found.items():
        print(
            f"pandas reference {name}: {result['matched_rows']:,} of {result['reference_rows']:,}"
            f" rows matched the marts' {result['mart_rows']:,}, largest difference"
            f" {result['max_difference']}",
            flush=True,
        )
    return found


def machine() -> dict:
    """What the numbers were measured on."""
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "name": platform.node() or "machine",
        "cpus": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


YARDSTICKS = ("floor", "pandas")  # what every stage is put against, at its own size


def summary_table(results: dict) -> str:
    """The pipeline's stages as a Markdown table, each against the load floor and the pandas
    reference of its size."""
    lines = [
        "| size | stage | rows | seconds | rows/s | peak MiB | × load floor | × pandas |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, stages in results.items():
        yardsticks = {name: stages.get(name, {}).get("seconds") for name in YARDSTICKS}
        for stage, result in stages.items():
            # not a timed stage: the pandas agreement, the incremental share, the pages
            if not isinstance(result, dict) or "rows_per_second" not in result or stage == "pages":
                continue
            lines.append(
                f"| {size} | {stage} | {result['rows']:,} | {result['seconds']:.1f} |"
                f" {result['rows_per_second']:,.0f} | {result['peak_mib']:.0f} |"
                f" {ratios(stage, result['seconds'], yardsticks)} |"
            )
            for step, seconds in result.get("steps", {}).items():
                lines.append(
                    f"| {size} | {stage}: {step} | | {seconds:.1f} | | |"
                    f" {ratios(step, seconds, yardsticks)} |"
                )
    return "\n".join(lines)


def ratios(stage: str, seconds: float, yardsticks: dict) -> str:
    """Table cells: `seconds` as a multiple of each yardstick's (blank for itself)."""
    return " | ".join(
        f"{seconds / yardstick:.1f}" if yardstick and stage != name else ""
        for name, yardstick in yardsticks.items()
    )


def write_results(folder: Path, results: dict, suffix: str = "") -> Path:
    """benchmarks/results/<date>-<machine><suffix>.json (or in `folder`): every number of the
    run."""
    about = machine()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", about["name"])
    path = folder / f"{dt.date.today().isoformat()}-{name}{suffix}.json"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": about, "results": results}, indent=2) + "\n")
    return path


def print_incremental_share(stages: dict) -> None:
    """The last day's incremental run as a share of the full build of the whole landing."""
    day, full = stages["incremental"], stages["pipeline"]
    stages["incremental_share"] = day["seconds"] / full["seconds"]
    steps = ", ".join(
        f"{step} {seconds:.0f} s ({seconds / full['steps'][step]:.0%})"
        for step, seconds in day["steps"].items()
    )
    print(
        f"incremental: the last day's files ({day['rows']:,} rows) in {day['seconds']:.1f} s,"
        f" {stages['incremental_share']:.0%} of the full build's {full['seconds']:.1f} s"
        f" (goal: under 5 %); {steps}; dbt {day['dbt_build']}",
        flush=True,
    )


def print_stage(stage: str, result: dict, baseline: dict) -> None:
    if stage == "intelligence":
        ratio = result["rows_per_second"] / result["vader_turns_per_second"]
        print(
            f"intelligence {result['rows']:,} turns in {result['seconds']:.1f} s"
            f" (redaction {result['redaction_seconds']:.1f} s, dbt models"
            f" {sum(result['model_seconds'].values()):.1f} s) ="
            f" {result['rows_per_second']:,.0f} turns/s, dbt peak"
            f" {result['peak_mib']:.0f} MiB; a vaderSentiment loop:"
            f" {result['vader_turns_per_second']:,.0f} turns/s; ratio x{ratio:.1f}"
            " (goal >= 20)",
            flush=True,
        )
        return
    if stage == "pages":
        for page, timing in result["pages"].items():
            print(
                f"page {page} renders in {timing['cold_seconds']:.2f} s cold,"
                f" {timing['warm_seconds']:.2f} s cached (target < 1 s); its"
                f" {timing['queries']} queries {timing['query_seconds']:.2f} s, the slowest"
                f" {timing['slowest_query_ms']} ms (target < 500 ms)",
                flush=True,
            )
        return
    line = (
        f"{stage:9s} {result['rows']:>10,} rows in {result['seconds']:7.1f} s"
        f" = {result['rows_per_second']:>10,.0f} rows/s, peak {result['peak_mib']:7.0f} MiB"
    )
    if stage in baseline:
        speed = result["rows_per_second"] / baseline[stage]["rows_per_second"]
        memory = baseline[stage]["peak_mib"] / result["peak_mib"]
        line += f"  | vs baseline: speed x{speed:.2f}, memory x{memory:.2f}"
    print(line, flush=True)


def measure_scale(folder: Path, scale: str) -> dict:
    """Every stage of SCALE_STAGES at the preset `scale`, the pages on the warehouse its
    pipeline stage built; the full build against the preset's goal."""
    from orchestration.generate import SCALES

    sizes = dict(SCALES[scale])
    folder.mkdir()
    stages = {}
    for stage in SCALE_STAGES:
        built = (str(folder / "wh" / "qm.duckdb"),) if stage == "pages" else ()
        stages[stage] = measure(stage, folder, sizes, *built)
        print_stage(stage, stages[stage], {})
        if stage == "incremental":
            print_incremental_share(stages)
    stages["pandas_agreement"] = agreement(folder, sizes)
    result, (minutes, gib) = stages["pipeline"], SCALE_GOALS[scale]
    print(
        f"scale {scale}: qm run on {result['rows']:,} landed rows in"
        f" {result['seconds'] / 60:.1f} min, peak {result['peak_mib'] / 1024:.1f} GiB (goal:"
        f" under {minutes} min and {gib} GiB)",
        flush=True,
    )
    return stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument(
        "--scale",
        action="append",
        choices=sorted(SCALE_GOALS),
        default=[],
        help="also measure the generator, the yardsticks, `qm run`, a day's incremental run"
        " and the pages at this `qm generate --scale` preset (1m: about 20 min; 10m: about"
        " an hour); repeat for both",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="generate, load floor, pandas reference, ingest and pipeline on a tiny landing"
        " only (about 2 min; `make test` runs it)",
    )
    parser.add_argument(
        "--pages-on",
        type=Path,
        metavar="WAREHOUSE",
        help="only time every page on this published warehouse (e.g. a 10M one)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=RESULTS,
        help=f"where the results file goes (default: {RESULTS.relative_to(HERE.parent)})",
    )
    arguments = parser.parse_args()
    if arguments.pages_on:
        with tempfile.TemporaryDirectory() as folder:
            result = measure("pages", Path(folder), SIZES, str(arguments.pages_on.resolve()))
        print_stage("pages", result, {})
        name = f"pages on {arguments.pages_on}"
        path = write_results(arguments.results_dir, {name: result}, "-pages")
        print(f"results written to {path}")
        return 0
    baseline = {} if arguments.smoke or not BASELINE.exists() else json.loads(BASELINE.read_text())
    sizes = SMOKE_SIZES if arguments.smoke else SIZES
    stages = ("generate", "floor", "pandas", "ingest", "pipeline")
    if not arguments.smoke:
        stages += ("incremental", "intelligence", "pages")
    size_name = f"{sizes['agents']} agents x {sizes['days']} days"
    results = {size_name: {}}
    with tempfile.TemporaryDirectory() as folder:
        for stage in stages:
            result = measure(
                stage, Path(folder), INTELLIGENCE_SIZES if stage == "intelligence" else sizes
            )
            results[size_name][stage] = result
            print_stage(stage, result, baseline)
            if stage == "incremental":
                print_incremental_share(results[size_name])
        results[size_name]["pandas_agreement"] = agreement(Path(folder), sizes)
        for scale in arguments.scale:
            results[f"scale {scale}"] = measure_scale(Path(folder) / scale, scale)
        if not arguments.smoke:
            totals = attention(Path(folder))
            quiet = totals["quiet_items"]
            print(
                f"attention: quiet period lists {sum(quiet) / len(quiet):.1f} process-level"
                f" items on average (at most {max(quiet)}) over {len(quiet)} seeds; recent"
                f" causes found in the top 5: {totals['found']}/{totals['causes']} (recall"
                f" {totals['found'] / totals['causes']:.0%}); precision of the listed"
                f" process-level items {totals['true_items']}/{totals['items']}"
                f" ({totals['true_items'] / max(totals['items'], 1):.0%})",
                flush=True,
            )
            results["attention"] = totals
    print(summary_table(results), flush=True)
    print(f"results written to {write_results(arguments.results_dir, results)}", flush=True)
    if arguments.update_baseline:
        BASELINE.write_text(json.dumps({"sizes": SIZES, **results[size_name]}, indent=2) + "\n")
        print(f"baseline written to {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
