"""`make bench`: throughput and peak memory of the generator, the ingest and the pipeline,
how fast each dashboard page renders on the demo warehouse (`qm generate` defaults), and how
well the attention list finds injected special causes over several seeds (precision,
recall, and what a quiet period lists).

Each measurement runs in its own process (so peak RSS is its own), prints rows/s and peak
memory, and compares them with `benchmarks/baseline.json` (ratio > 1 = faster / leaner than
the baseline). `--update-baseline` stores this machine's numbers as the new baseline.
Never a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
SIZES = {"agents": 200, "days": 28}
ATTENTION_SEEDS = (1, 2, 3, 4, 5)
ATTENTION_SIZE = ["--agents", "24", "--days", "84"]

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
import duckdb
stage, folder, agents, days = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
started = time.perf_counter()
if stage == "generate":
    from orchestration.generate import generate_landing
    counts = generate_landing(folder / "landing", seed=1, agents=agents, days=days)
    rows = sum(counts.values())
elif stage == "ingest":
    from orchestration.ingest import INGEST_ORDER, ingest_export
    with duckdb.connect(str(folder / "ingest.duckdb")) as connection:
        rows = sum(ingest_export(connection, export, folder / "landing").total("rows_in")
                   for export in INGEST_ORDER)
elif stage == "pages":
    # The demo warehouse (`qm generate` defaults), as `make demo` serves it.
    import os, subprocess
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
        app.run(); app.run()
        assert not app.exception, (page, app.exception)
        cold, warm = (float(line) for line in timer.read_text().split())
        view = page + "?" + "&".join(f"{k}={v}" for k, v in query_params.items())
        timings[view.rstrip("?")] = {"cold_seconds": round(cold, 3),
                                     "warm_seconds": round(warm, 3)}
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
    import subprocess
    subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--landing",
                    str(folder / "landing"), "--warehouse", str(folder / "wh" / "qm.duckdb")],
                   check=True, capture_output=True)
    with duckdb.connect(str(folder / "wh" / "qm.duckdb"), read_only=True) as connection:
        rows = connection.execute("select sum(rows_in) from raw.file_ledger").fetchall()[0][0]
seconds = time.perf_counter() - started
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
                  "peak_mib": peak}))
"""


# Contacts of the intelligence stage: about 1.2 million transcript turns.
INTELLIGENCE_SIZES = {"agents": 200, "days": 48}


# `--full-scale`: a 1,000-seat centre's half year, 1M contacts with 9.3M transcript turns.
FULL_SCALE_SIZES = {"agents": 400, "days": 190}


def measure(stage: str, folder: Path, sizes: dict | None = None) -> dict:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "DAGSTER_HOME": str(folder / "dh")}
    sizes = sizes or (INTELLIGENCE_SIZES if stage == "intelligence" else SIZES)
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            stage,
            str(folder),
            str(sizes["agents"]),
            str(sizes["days"]),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=HERE.parent,
    )
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument(
        "--full-scale",
        action="store_true",
        help="also time `qm run` on 1M contacts with 9.3M transcript turns (about 10 min)",
    )
    arguments = parser.parse_args()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for stage in ("generate", "ingest", "pipeline", "intelligence", "pages"):
            result = measure(stage, Path(folder))
            results[stage] = result
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
                continue
            if stage == "pages":
                for page, timing in result["pages"].items():
                    print(
                        f"page {page} renders in {timing['cold_seconds']:.2f} s cold,"
                        f" {timing['warm_seconds']:.2f} s cached (target < 1 s)",
                        flush=True,
                    )
                continue
            line = (
                f"{stage:9s} {result['rows']:>10,} rows in {result['seconds']:7.1f} s"
                f" = {result['rows_per_second']:>10,.0f} rows/s, peak {result['peak_mib']:7.0f} MiB"
            )
            if stage in baseline:
                speed = result["rows_per_second"] / baseline[stage]["rows_per_second"]
                memory = baseline[stage]["peak_mib"] / result["peak_mib"]
                line += f"  | vs baseline: speed x{speed:.2f}, memory x{memory:.2f}"
            print(line, flush=True)
        if arguments.full_scale:
            full = Path(folder) / "full_scale"
            full.mkdir()
            measure("generate", full, FULL_SCALE_SIZES)
            result = measure("pipeline", full, FULL_SCALE_SIZES)
            results["full_scale"] = result
            print(
                f"full scale: qm run on {result['rows']:,} landed rows (1M contacts, their"
                f" transcripts, evaluations, surveys) in {result['seconds'] / 60:.1f} min, peak"
                f" {result['peak_mib'] / 1024:.1f} GiB (goal: under 5 min and 8 GiB)",
                flush=True,
            )
        totals = attention(Path(folder))
        quiet = totals["quiet_items"]
        print(
            f"attention: quiet period lists {sum(quiet) / len(quiet):.1f} process-level items"
            f" on average (at most {max(quiet)}) over {len(quiet)} seeds;"
            f" recent causes found in the top 5: {totals['found']}/{totals['causes']}"
            f" (recall {totals['found'] / totals['causes']:.0%}); precision of the listed"
            f" process-level items {totals['true_items']}/{totals['items']}"
            f" ({totals['true_items'] / max(totals['items'], 1):.0%})",
            flush=True,
        )
    if arguments.update_baseline:
        BASELINE.write_text(json.dumps({"sizes": SIZES, **results}, indent=2) + "\n")
        print(f"baseline written to {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
