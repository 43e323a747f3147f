"""The SPC engine against published control-chart results (R qcc, Montgomery).

Data and published numbers: tests/fixtures/spc (copied from shared/datasets/spc with its
README, which records the sources). Every centre line and limit must match to 4 decimals
(|Δ| < 5e-5) and the out-of-control samples exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.spc import run_chart

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spc"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
TOLERANCE = EXPECTED["tolerance"]["abs"]

# published chart → (engine chart, the part of it that is plotted, engine options)
ENGINE = {
    "p": ("p", "p"),
    "np": ("np", "np"),
    "c": ("c", "c"),
    "u": ("u", "u"),
    "xbar": ("xbar_r", "xbar"),
    "R": ("xbar_r", "r"),
    "S": ("xbar_s", "s"),
    "individuals": ("imr", "i"),
    "ewma": ("ewma", "ewma"),
}
SUPPORTED = [chart for chart in EXPECTED["charts"] if chart["chart"] in ENGINE]


# Summarising a chart of a measurement first (one row per subgroup: size, mean, standard
# deviation, range: the marts' input, int_spc_engine_input) must not change it.
SUMMARISE = """
create table summary as
select series_id, stage, subgroup_order, any_value(subgroup) as subgroup,
    avg(value) as value, count(*)::double as size, stddev_samp(value) as sd_value,
    max(value) - min(value) as range_value, bool_or(in_baseline) as in_baseline,
from source group by series_id, stage, subgroup_order
"""
MEASUREMENT = [
    chart for chart in SUPPORTED if chart["chart"] in ("xbar", "R", "S", "individuals", "ewma")
]


def chart_points(reference: dict, summarised: bool = False, max_passes: int = 0):
    engine_chart, part = ENGINE[reference["chart"]]
    subgroup = reference.get("subgroup", "sample")
    value = reference.get("count") or reference["value"]
    size = reference.get("size")
    charted = reference["baseline"] + reference["monitored"]
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            create table source as
            select 'reference' as series_id, 1 as stage,
                "{subgroup}" as subgroup_order, cast("{subgroup}" as varchar) as subgroup,
                cast("{value}" as double) as value,
                {f'cast("{size}" as double)' if size else "1.0"} as size,
                list_contains(?, "{subgroup}") as in_baseline,
            from read_csv_auto('{FIXTURES / reference["file"]}')
            where list_contains(?, "{subgroup}")
            """,
            [reference["baseline"], charted],
        )
        options = {"nsigmas": reference.get("nsigmas", 3)}
        if reference["id"].endswith("_sd"):
            options["sigma_method"] = "sd"
        if "lambda" in reference:
            options["ewma_lambda"] = reference["lambda"]
        if summarised:
            connection.execute(SUMMARISE)
            options["summarised"] = True
        points = run_chart(
            connection, "summary" if summarised else "source", engine_chart,
            max_passes=max_passes, **options,
        )  # fmt: skip
    return points[points["chart"] == part].reset_index(drop=True)


@pytest.mark.parametrize("reference", SUPPORTED, ids=[chart["id"] for chart in SUPPORTED])
def test_limits_match_the_published_values(reference):
    points = chart_points(reference)
    published = reference["published"]
    assert abs(points["center"].iloc[0] - published["center"]) < TOLERANCE
    if "limits_by_sample" in published:
        for sample, (lcl, ucl) in published["limits_by_sample"].items():
            row = points[points["subgroup_order"] == int(sample)].iloc[0]
            assert abs(row["lcl"] - lcl) < TOLERANCE
            assert abs(row["ucl"] - ucl) < TOLERANCE
    elif "limits_by_units" in published:
        for units, (lcl, ucl) in published["limits_by_units"].items():
            row = points[points["n"] == float(units)].iloc[0]
            assert abs(row["lcl"] - lcl) < TOLERANCE
            assert abs(row["ucl"] - ucl) < TOLERANCE
    else:
        assert (points["lcl"] - published["lcl"]).abs().max() < TOLERANCE
        assert (points["ucl"] - published["ucl"]).abs().max() < TOLERANCE


@pytest.mark.parametrize("reference", SUPPORTED, ids=[chart["id"] for chart in SUPPORTED])
def test_out_of_control_samples_match_exactly(reference):
    points = chart_points(reference)
    beyond = points[(points["value"] > points["ucl"]) | (points["value"] < points["lcl"])]
    samples = beyond["subgroup_order"].astype(int)
    in_baseline = beyond["in_baseline"].astype(bool)
    assert sorted(samples[in_baseline]) == reference["out_of_control"]["baseline"]
    assert sorted(samples[~in_baseline]) == reference["out_of_control"]["monitored"]


def test_tabular_cusum_matches_montgomery_table_9_1():
    reference = next(c for c in EXPECTED["charts"] if c["chart"] == "tabular_cusum")
    published = reference["published"]
    with duckdb.connect() as connection:
        connection.execute(
            "create table source as select 'reference' as series_id, 1 as stage,"
            " sample as subgroup_order, cast(sample as varchar) as subgroup,"
            " cast(x as double) as value, 1.0 as size, false as in_baseline"
            f" from read_csv_auto('{FIXTURES / reference['file']}')"
        )
        points = run_chart(
            connection,
            "source",
            "cusum",
            target=reference["target"],
            sigma=reference["sigma"],
            cusum_k=reference["k"],
            cusum_h=reference["h"],
        )
    upper = points[points["chart"] == "cusum_upper"].sort_values("subgroup_order")
    # Montgomery tabulates the sums to 2 decimals.
    assert upper["value"].head(29).round(2).tolist() == published["upper_sum"]
    signals = sorted(points[points["value"] > points["ucl"]]["subgroup_order"].astype(int).tolist())
    assert signals == reference["out_of_control"]["monitored"]
    assert signals[0] == published["first_signal"]


@pytest.mark.parametrize("reference", MEASUREMENT, ids=[chart["id"] for chart in MEASUREMENT])
def test_a_summarised_source_gives_the_same_chart(reference):
    for max_passes in (0, 10) if reference["chart"] != "ewma" else (0,):
        observations = chart_points(reference, max_passes=max_passes)
        summarised = chart_points(reference, summarised=True, max_passes=max_passes)
        assert summarised["subgroup_order"].tolist() == observations["subgroup_order"].tolist()
        assert summarised["in_baseline"].tolist() == observations["in_baseline"].tolist()
        for column in ("n", "value", "center", "lcl", "ucl"):
            assert summarised[column].to_numpy() == pytest.approx(
                observations[column].to_numpy(), rel=1e-12, abs=1e-12
            ), column
