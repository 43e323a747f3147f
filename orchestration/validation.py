"""Great Expectations 1.x validation of warehouse tables, without Dagster.

Suites live as JSON in `expectations/` (one per table). A table is read from DuckDB into
pandas (only the columns the suite names) and validated through a file-backed GE context
under the validation folder, which also renders the Data Docs HTML. Results are stored in
the warehouse (`qm_meta.validation_results`) so analysts can query them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import settings

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

RESULTS_DDL = """
create schema if not exists qm_meta;
create table if not exists qm_meta.validation_results (
    run_id varchar not null,
    suite_name varchar not null,
    table_name varchar not null,
    is_success boolean not null,
    evaluated_expectations integer not null,
    failed_expectations integer not null,
    failures varchar[],
    result_json json,
    validated_at timestamp not null
)
"""


@dataclass
class SuiteOutcome:
    suite_name: str
    table_name: str
    success: bool
    evaluated: int
    failures: list[str]
    rows_validated: int
    result: dict


def suite_path(suite_name: str) -> Path:
    return settings.EXPECTATIONS_DIR / f"{suite_name}.json"


def load_suite_document(suite_name: str) -> dict:
    return json.loads(suite_path(suite_name).read_text())


def _columns_named(document: dict) -> list[str]:
    """The columns a suite reads, including those of its pandas row conditions."""
    columns: list[str] = []
    for expectation in document["expectations"]:
        kwargs = expectation.get("kwargs", {})
        named = [kwargs.get(key) for key in ("column", "column_A", "column_B")]
        conditioned = re.findall(r"(\w+)\s*(?:==|!=|<|>)", kwargs.get("row_condition", ""))
        for name in [*named, *kwargs.get("column_list", []), *conditioned]:
            if name and name not in columns:
                columns.append(name)
    return columns


def _describe_failure(result: dict) -> str:
    config = result["expectation_config"]
    kwargs = {key: value for key, value in config["kwargs"].items() if key != "batch_id"}
    observed = result.get("result", {})
    summary = observed.get("observed_value", observed.get("unexpected_percent"))
    return f"{config['type']}({json.dumps(kwargs, default=str)}): observed {summary}"


def validate_table(
    connection: duckdb.DuckDBPyConnection, suite_name: str, docs_dir: Path, run_id: str
) -> SuiteOutcome:
    import great_expectations as gx

    document = load_suite_document(suite_name)
    table = document["meta"]["table"]
    columns = _columns_named(document)
    select_list = ", ".join(f'"{name}"' for name in columns) if columns else "*"
    frame = connection.execute(f"select {select_list} from {table}").df()

    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_or_update_pandas("warehouse")
    asset_names = [asset.name for asset in source.assets]
    asset = source.get_asset(table) if table in asset_names else source.add_dataframe_asset(table)
    batch = next(
        (definition for definition in asset.batch_definitions if definition.name == "whole"),
        None,
    ) or asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=suite_name, expectations=document["expectations"])
    )
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
        )
    )
    run = checkpoint.run(batch_parameters={"dataframe": frame})
    result = next(iter(run.run_results.values())).to_json_dict()
    failures = [_describe_failure(item) for item in result["results"] if not item["success"]]
    outcome = SuiteOutcome(
        suite_name=suite_name,
        table_name=table,
        success=bool(result["success"]),
        evaluated=len(result["results"]),
        failures=failures,
        rows_validated=len(frame),
        result=result,
    )
    record_outcome(connection, outcome, run_id)
    return outcome


def record_outcome(
    connection: duckdb.DuckDBPyConnection, outcome: SuiteOutcome, run_id: str
) -> None:
    connection.execute(RESULTS_DDL)
    connection.execute(
        "insert into qm_meta.validation_results values"
        " (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp)",
        [
            run_id,
            outcome.suite_name,
            outcome.table_name,
            outcome.success,
            outcome.evaluated,
            len(outcome.failures),
            outcome.failures,
            json.dumps(outcome.result, default=str),
        ],
    )


def data_docs_index(docs_dir: Path) -> Path:
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
