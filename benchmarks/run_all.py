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


def measure(stage: str, folder: Path) -> dict:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "DAGSTER_HOME": str(folder / "dh")}
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            stage,
            str(folder),
            str(SIZES["agents"]),
            str(SIZES["days"]),
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
    arguments = parser.parse_args()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for stage in ("generate", "ingest", "pipeline", "pages"):
            result = measure(stage, Path(folder))
            results[stage] = result
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
