"""The dbt project on Apache Spark (issue 22, item 7): `qm spark` exports the raw layer of the
generated sample's warehouse as Parquet, builds the models of the `spark` selector on a local
Spark session (dbt-spark, session method, Python models included) and compares every table
with the DuckDB build's, numbers to 1e-9. Dagster runs it: the `spark_warehouse` asset of the
`build_on_spark` job.

Besides the command's own comparison, the test reads a few facts from both engines' files
itself, and checks that the comparison reports a planted difference."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import dagster as dg
import duckdb
import jinja2
import pyarrow as pa
import pytest

from orchestration import settings
from orchestration.assets.spark import spark_warehouse
from orchestration.spark.compare import compare_builds
from tests.integration.test_sentiment_reference import (
    TOLERANCE,
    VADER_DEMO_SENTENCES,
    random_sentences,
)

pytestmark = pytest.mark.slow


def materialise(**config) -> tuple[dg.ExecuteInProcessResult, list[str]]:
    """The `spark_warehouse` asset (the `build_on_spark` job's) materialised by Dagster with
    this config; the result and the lines it logged."""
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [spark_warehouse],
        instance=instance,
        run_config={"ops": {"spark_warehouse": {"config": config}}},
        raise_on_error=False,
    )
    return result, [entry.user_message for entry in instance.all_logs(result.run_id)]


@pytest.fixture(scope="module")
def spark_build(published_warehouse, tmp_path_factory) -> tuple[Path, str]:
    """`qm spark --compare` on the sample's warehouse, run by Dagster's asset."""
    folder = tmp_path_factory.mktemp("spark")
    result, lines = materialise(warehouse=str(published_warehouse), folder=str(folder))
    assert result.success, "\n".join(lines[-40:])
    [materialisation] = result.asset_materializations_for_node("spark_warehouse")
    assert materialisation.metadata["equal_to"].value == str(published_warehouse)
    return folder, "\n".join(lines)


def spark_rows(folder: Path, schema: str, table: str, query: str) -> list[tuple]:
    path = folder / "warehouse" / f"{schema}.db" / table / "*.parquet"
    with duckdb.connect() as con:
        return con.execute(query.format(table=f"read_parquet('{path}')")).fetchall()


def test_every_selected_model_builds_and_equals_duckdb(spark_build):
    folder, output = spark_build
    results = json.loads((folder / "dbt" / "target" / "run_results.json").read_text())
    manifest = json.loads((folder / "dbt" / "target" / "manifest.json").read_text())
    statuses = {result["unique_id"]: result["status"] for result in results["results"]}
    assert statuses and set(statuses.values()) == {"success"}
    tables = {
        (manifest["nodes"][node]["schema"], manifest["nodes"][node]["alias"])
        for node in statuses
        if manifest["nodes"][node]["config"]["materialized"] in ("table", "incremental")
    }
    seeds = {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed"
    }
    built = {
        (schema.name.removesuffix(".db"), table.name)
        for schema in (folder / "warehouse").glob("*.db")
        if schema.name != "raw.db"
        for table in schema.iterdir()
    }
    # (so the Phase I passes' tables of mart_spc_points were dropped)
    assert built == tables | seeds
    # the facts, the scorecards, coaching, the conversation models and the SPC chain are all
    # on Spark
    for table in ("fct_interactions", "fct_evaluations", "fct_evaluation_answers",
                  "fct_transcript_turns", "mart_agent_scorecard", "mart_coaching_opportunities",
                  "mart_csat_drivers", "mart_machine_agreement", "mart_quality_weekly",
                  "mart_spc_points", "mart_spc_signals", "mart_spc_attention",
                  "mart_quality_objectives", "mart_recommended_actions"):  # fmt: skip
        assert ("marts", table) in built
    assert f"all {len(built)} tables equal" in output


def test_facts_read_from_both_engines_agree(spark_build, published_warehouse):
    folder, _ = spark_build
    facts = {
        ("marts", "fct_evaluations"): "select evaluation_type, count(*), sum(score),"
        " count(*) filter (where is_critical_fail) from {table} group by 1 order by 1",
        ("marts", "fct_interactions"): "select channel, count(*), sum(handle_seconds),"
        " sum(customer_sentiment_mean), count(*) filter (where is_high_friction)"
        " from {table} group by 1 order by 1",
        ("intermediate", "int_turn_sentiment"): "select speaker, count(*), sum(compound)"
        " from {table} group by 1 order by 1",
        # the Phase I revision's outcome: the baseline points kept and the limits' widths
        ("marts", "mart_spc_points"): "select chart, count(*),"
        " count(*) filter (where in_baseline), sum(ucl - lcl) from {table} group by 1 order by 1",
        ("marts", "mart_spc_signals"): "select rule, count(*) from {table} group by 1 order by 1",
    }
    with duckdb.connect(str(published_warehouse), read_only=True) as con:
        for (schema, table), query in facts.items():
            duck = con.execute(query.format(table=f"{schema}.{table}")).fetchall()
            spark = spark_rows(folder, schema, table, query)
            assert len(duck) == len(spark) > 0, table
            for left, right in zip(duck, spark, strict=True):
                assert left[:2] == right[:2], table
                assert right[2:] == pytest.approx(left[2:], rel=1e-9, abs=1e-9), table


def test_the_comparison_finds_a_changed_row(spark_build, published_warehouse, tmp_path):
    folder, _ = spark_build
    changed = tmp_path / "warehouse"
    source = folder / "warehouse" / "marts.db" / "fct_evaluations"
    target = changed / "marts.db" / "fct_evaluations"
    target.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * replace (case when row_number() over () = 1 then score + 1e-6"
            f" else score end as score) from read_parquet('{source}/*.parquet'))"
            f" to '{target / 'part-0.parquet'}' (format parquet)"
        )
    differences = compare_builds(published_warehouse, changed, [("marts", "fct_evaluations")])
    assert [difference.table for difference in differences] == ["marts.fct_evaluations"]
    assert "score" in differences[0].reason
    shutil.rmtree(changed)
    missing = compare_builds(published_warehouse, changed, [("marts", "fct_evaluations")])
    assert "no Parquet files" in missing[0].reason


def test_the_asset_fails_with_qm_sparks_message(tmp_path):
    result, _ = materialise(warehouse=str(tmp_path / "none.duckdb"), folder=str(tmp_path))
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.user_failure_data.description
    assert (
        message == f"qm spark: no warehouse at {tmp_path / 'none.duckdb'} (build one with `qm run`)"
    )


@pytest.fixture(scope="module")
def local_spark():
    """A local Spark session for the twins' own tests, its Python workers this interpreter
    (as `qm spark` sets them)."""
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
        spark = builder.getOrCreate()
        yield spark
        spark.stop()


def test_numbers_in_sentences_read_alike_on_both_engines(local_spark):
    # format_number's two twins (macros/cross_db/text.sql) and the pages' Python formatting
    # on values that sit on a rounding tie in exact arithmetic: 91.45 summed in two orders,
    # decimal forms just below (2.675) or on (0.125) a binary tie, signs; and null, which
    # stays null (an interval of one evaluation has no bounds)
    source = (settings.DBT_PROJECT_DIR / "macros" / "cross_db" / "text.sql").read_text()
    macros = jinja2.Environment().from_string(source).module
    values = [91.44999999999999, 91.45000000000002, 2.675, 0.125, -0.125, -0.04, 6.25,
              1234567.5, 2.5, -2.5, 59.95, 86.66666666666667, 0.0, None]  # fmt: skip
    q_values = [0.125, 0.0625, 0.05, 0.049999, 0.0995, 1.0, 0.00012345, 1.5e-6, 0.0, None]
    counts = [0, 7, 1234567, -42, None]

    def python(value, spec):
        # the pages' formatting: fixed-point from the value at 9 decimals
        if spec == ",":
            return format(int(value), ",")
        return format(value if spec == ".2g" else round(value, 9), spec)

    with duckdb.connect() as con:
        for spec in (".1f", ".2f", "+.0f", ",.0f", ".2g", ","):
            # '.2g' words p- and q-values (0 to 1), ',' counts
            for value in {".2g": q_values, ",": counts}.get(spec, values):
                kind = "bigint" if spec == "," else "double"
                number = f"cast({'null' if value is None else repr(value)} as {kind})"
                [(duck,)] = con.execute(
                    f"select {macros.default__format_number(number, spec)}"
                ).fetchall()
                [(twin,)] = local_spark.sql(
                    f"select {macros.spark__format_number(number, spec)}"
                ).collect()
                reference = None if value is None else python(value, spec)
                assert duck == twin == reference, (spec, value, duck, twin)


def test_turn_sentiment_is_scored_where_the_turns_are(published_warehouse, local_spark):
    # On Spark the turn sentiment model does not bring the turns to the driver: each
    # partition's turns are scored by the model's own batch function (mapInArrow), the same
    # scores as on DuckDB's path and VADER's, for every turn or the changed contacts' only.
    from vaderSentiment import vaderSentiment as vader

    path = (settings.DBT_PROJECT_DIR / "models" / "intermediate" / "conversations"
            / "int_turn_sentiment_changed.py")  # fmt: skip
    model = {"__name__": "int_turn_sentiment_changed"}  # not importable: pickled by value
    exec(compile(path.read_text(), str(path), "exec"), model)  # noqa: S102
    with duckdb.connect(str(published_warehouse), read_only=True) as con:
        vocabulary = model["Vocabulary"](*(
            con.sql(f"select * from reference.{seed}").to_arrow_table()
            for seed in ("vader_lexicon", "vader_boosters", "vader_negations",
                         "vader_special_cases", "vader_emoji")
        ))  # fmt: skip
    texts = [*VADER_DEMO_SENTENCES, *random_sentences(300), None, ""]
    rows = [(f"C{index % 40}", index, "customer", text) for index, text in enumerate(texts)]
    columns = "interaction_id string, turn_index int, speaker string, turn_text string"
    turns = local_spark.createDataFrame(rows, columns).repartition(3)
    scored = model["spark_scored_turns"](turns, None, vocabulary)
    assert "MapInArrow" in scored._jdf.queryExecution().executedPlan().toString()
    assert scored.rdd.getNumPartitions() == 3
    on_spark = {(row.interaction_id, row.turn_index): row for row in scored.collect()}
    changed = local_spark.createDataFrame([("C1",), ("C7",)], "interaction_id string")
    redone = model["spark_scored_turns"](turns, changed, vocabulary).collect()
    names = ["interaction_id", "turn_index", "speaker", "turn_text"]
    local_turns = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows])
    [local] = model["scored_turns"](local_turns.to_batches(), vocabulary, threads=1)
    analyzer = vader.SentimentIntensityAnalyzer()
    assert len(on_spark) == len(rows) == local.num_rows
    for row in local.to_pylist():
        spark_row = on_spark[(row["interaction_id"], row["turn_index"])].asDict()
        assert spark_row == row
        text = texts[row["turn_index"]]
        reference = 0.0 if text is None else analyzer.polarity_scores(text)["compound"]
        assert abs(row["compound"] - reference) <= TOLERANCE, text
    assert {row.interaction_id for row in redone} == {"C1", "C7"}
    assert len(redone) == sum(row[0] in ("C1", "C7") for row in rows)
