"""`qm spc`: the warehouse's SPC engine on an analyst's file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from orchestration.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spc"
EXPECTED_CHARTS = json.loads((FIXTURES / "expected.json").read_text())["charts"]


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(["spc", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_p_chart_from_csv_matches_qcc_and_flags_its_out_of_control_samples(capsys):
    code, out, _ = run(
        capsys,
        "--chart", "p", "--input", str(FIXTURES / "orangejuice.csv"), "--value", "defective",
        "--size", "size", "--subgroup", "sample", "--baseline", "30",
    )  # fmt: skip
    assert code == 0
    points = pd.read_csv(io.StringIO(out), dtype={"subgroup": str, "signals": str})
    assert list(points.columns) == [
        "chart", "subgroup", "n", "value", "center", "lcl", "ucl", "in_baseline", "signals",
    ]  # fmt: skip
    assert abs(points["center"].iloc[0] - 0.2313333) < 5e-5
    assert abs(points["ucl"].iloc[0] - 0.4102391) < 5e-5
    flagged = points[points["signals"].fillna("").str.contains("1")]["subgroup"].tolist()
    assert flagged[:2] == ["15", "23"]


def test_individuals_with_a_baseline_date_range_and_json_output(capsys):
    code, out, _ = run(
        capsys,
        "--chart", "imr", "--input", str(FIXTURES / "viscosity.csv"), "--value", "viscosity",
        "--subgroup", "batch", "--baseline-from", "1", "--baseline-to", "20", "--format", "json",
    )  # fmt: skip
    assert code == 0
    individuals = [point for point in json.loads(out) if point["chart"] == "i"]
    assert len(individuals) == 35
    assert abs(individuals[0]["ucl"] - 35.61096) < 5e-5
    assert [point["subgroup"] for point in individuals if point["in_baseline"]][-1] == "20"


def test_a_missing_column_is_named_with_the_columns_the_file_has(capsys):
    code, _, err = run(
        capsys, "--chart", "c", "--input", str(FIXTURES / "circuit.csv"), "--value", "nope"
    )
    assert code == 2
    assert "nope" in err and "defects" in err


def test_a_proportion_chart_without_sizes_is_refused(capsys):
    code, _, err = run(
        capsys, "--chart", "p", "--input", str(FIXTURES / "circuit.csv"), "--value", "defects"
    )
    assert code == 2
    assert "--size" in err


def test_iterative_exclusion_reproduces_the_revised_c_chart(capsys):
    # qcc's circuit example: samples 6 and 20 leave the baseline of samples 1-26.
    revised = next(c for c in EXPECTED_CHARTS if c["id"] == "circuit_c_revised")["published"]
    code, out, _ = run(
        capsys,
        "--chart", "c", "--input", str(FIXTURES / "circuit.csv"), "--value", "defects",
        "--subgroup", "sample", "--baseline", "26", "--exclude-beyond-limits",
    )  # fmt: skip
    assert code == 0
    points = pd.read_csv(io.StringIO(out), dtype={"subgroup": str})
    assert abs(points["center"].iloc[0] - revised["center"]) < 5e-5
    assert abs(points["ucl"].iloc[0] - revised["ucl"]) < 5e-5
    excluded = points[~points["in_baseline"] & (points["subgroup"].astype(int) <= 26)]
    assert excluded["subgroup"].tolist() == ["6", "20"]
