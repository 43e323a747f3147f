"""`make bench`'s summary table on the results of a whole run: every timed stage of every size
against that size's load floor and pandas reference, the untimed entries (the pandas
agreement, the incremental share, the pages) left out rather than breaking the table."""

from __future__ import annotations

from benchmarks.run_all import SCALE_GOALS, summary_table
from orchestration.generate import SCALES


def stage(rows: int, seconds: float, **more) -> dict:
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
            "peak_mib": 100.0, **more}  # fmt: skip


def test_every_timed_stage_of_every_size_is_put_against_its_own_yardsticks():
    full = {
        "generate": stage(1000, 4.0),
        "floor": stage(1000, 2.0),
        "pandas": stage(300, 8.0),
        "pipeline": stage(1000, 40.0, steps={"ingest": 6.0, "dbt": 30.0}),
        "incremental": stage(50, 10.0, steps={"dbt": 8.0}),
        "pages": {"rows": 9, "seconds": 12.0, "rows_per_second": 0.0, "peak_mib": 0.0},
        "incremental_share": 0.25,
        "pandas_agreement": {"evaluations": {"matched_rows": 3, "max_difference": 0.0}},
    }
    bigger = {"floor": stage(10, 5.0), "pandas": stage(10, 50.0), "pipeline": stage(10, 100.0)}
    table = summary_table({"200 agents x 28 days": full, "scale 10m": bigger})
    rows = {
        (cells[0], cells[1]): cells[2:]
        for line in table.splitlines()[2:]
        if (cells := [cell.strip() for cell in line.strip("|").split("|")])
    }
    small = "200 agents x 28 days"
    assert [name for size, name in rows if size == small] == [
        "generate", "floor", "pandas", "pipeline", "pipeline: ingest", "pipeline: dbt",
        "incremental", "incremental: dbt",
    ]  # fmt: skip
    assert rows[(small, "pipeline")] == ["1,000", "40.0", "25", "100", "20.0", "5.0"]
    assert rows[(small, "incremental: dbt")][-2:] == ["4.0", "1.0"]
    assert rows[(small, "floor")][-2:] == ["", "0.2"]  # not against itself
    assert rows[("scale 10m", "pipeline")][-2:] == ["20.0", "2.0"]  # its own size's yardsticks


def test_every_scale_the_benchmark_offers_is_a_generator_preset():
    assert set(SCALE_GOALS) <= set(SCALES)
