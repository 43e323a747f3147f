"""Great Expectations 1.x validation of warehouse tables, without Dagster.

Suites live as JSON in `expectations/` (one per table). A table is read from DuckDB into
pandas (only the columns the suite names) and validated through a file-backed GE context
under the validation folder, which also renders the Data Docs HTML. Results are stored in
the warehouse (`qm_meta.validation_results`) so analysts can query them.

A raw table only grows (a landed file's rows are appended, never changed), so a suite whose
expectations all hold row by row (ROW_BY_ROW, none with `mostly`) reads only the rows of the
loads after its last success with the same suite and GE version: the table passes if and
only if those rows and the rows that passed before do. A failed validation moves nothing, so
the next run reads the failed rows again. Any other suite, and every mart, reads the table.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import settings

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
);
-- added later: files built before them get them (null in their earlier rows)
alter table qm_meta.validation_results add column if not exists rows_validated bigint;
alter table qm_meta.validation_results add column if not exists rows_after_load bigint;
alter table qm_meta.validation_results add column if not exists through_load bigint;
alter table qm_meta.validation_results add column if not exists suite_fingerprint varchar;
alter table qm_meta.validation_results add column if not exists seconds double;
"""
# Expectations a table passes exactly when every part of its rows does.
ROW_BY_ROW = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
)


@dataclass
class SuiteOutcome:
    suite_name: str
    table_name: str
    success: bool
    evaluated: int
    failures: list[str]
    rows_validated: int
    result: dict
    # the rows read were those of the loads after this one (None: every row)
    rows_after_load: int | None = None
    through_load: int | None = None  # the table's last load when validated (raw tables)
    suite_fingerprint: str = ""
    seconds: float = 0.0  # reading the rows and validating them, Data Docs included

    def scope(self) -> str:
        """Which rows were read, for people."""
        if self.rows_after_load is None:
            return "every row"
        return f"the loads after {self.rows_after_load}"


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


def is_row_by_row(document: dict) -> bool:
    return all(
        expectation["type"] in ROW_BY_ROW and expectation.get("kwargs", {}).get("mostly", 1) == 1
        for expectation in document["expectations"]
    )


def suite_fingerprint(document: dict, ge_version: str) -> str:
    text = json.dumps(document, sort_keys=True) + ge_version
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _loads(
    connection: duckdb.DuckDBPyConnection, suite_name: str, table: str, fingerprint: str
) -> tuple[int | None, int | None]:
    """(the table's last load, the last load a success of this suite read through): raw
    tables only; (None, None) for any other."""
    if not table.startswith("raw."):
        return None, None
    connection.execute(RESULTS_DDL)
    [(last,)] = connection.execute(f"select max(_load_sequence) from {table}").fetchall()
    [(passed,)] = connection.execute(
        "select max(through_load) from qm_meta.validation_results"
        " where suite_name = ? and is_success and suite_fingerprint = ?",
        [suite_name, fingerprint],
    ).fetchall()
    return last, passed


def validate_table(
    connection: duckdb.DuckDBPyConnection, suite_name: str, docs_dir: Path, run_id: str
) -> SuiteOutcome:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # GE would call home
    os.environ.setdefault("TQDM_DISABLE", "1")
    import great_expectations as gx

    started = time.monotonic()
    document = load_suite_document(suite_name)
    table = document["meta"]["table"]
    fingerprint = suite_fingerprint(document, gx.__version__)
    through, passed = _loads(connection, suite_name, table, fingerprint)
    after = passed if passed is not None and is_row_by_row(document) else None
    columns = _columns_named(document)
    select_list = ", ".join(f'"{name}"' for name in columns) if columns else "*"
    where = f" where _load_sequence > {int(after)}" if after is not None else ""
    frame = connection.execute(f"select {select_list} from {table}{where}").df()

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
    prune_results(docs_dir, suite_name, keep=settings.data_docs_runs() - 1)
    docs_since = time.time() - 2  # (slack for a file system's coarse times)
    run = checkpoint.run(batch_parameters={"dataframe": frame})
    localize_data_docs(data_docs_index(docs_dir).parent, data_docs_packages(), docs_since)
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
        rows_after_load=after,
        through_load=through,
        suite_fingerprint=fingerprint,
        seconds=time.monotonic() - started,
    )
    record_outcome(connection, outcome, run_id)
    return outcome


def record_outcome(
    connection: duckdb.DuckDBPyConnection, outcome: SuiteOutcome, run_id: str
) -> None:
    connection.execute(RESULTS_DDL)
    connection.execute(
        "insert into qm_meta.validation_results (run_id, suite_name, table_name, is_success,"
        " evaluated_expectations, failed_expectations, failures, result_json, validated_at,"
        " rows_validated, rows_after_load, through_load, suite_fingerprint, seconds)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp, ?, ?, ?, ?, ?)",
        [
            run_id,
            outcome.suite_name,
            outcome.table_name,
            outcome.success,
            outcome.evaluated,
            len(outcome.failures),
            outcome.failures,
            json.dumps(outcome.result, default=str),
            outcome.rows_validated,
            outcome.rows_after_load,
            outcome.through_load,
            outcome.suite_fingerprint,
            round(outcome.seconds, 3),
        ],
    )


def data_docs_index(docs_dir: Path) -> Path:
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def prune_results(docs_dir: Path, suite_name: str, keep: int) -> None:
    """Remove a suite's results from GE's store, and their Data Docs pages, except those of
    its newest `keep` runs. (GE files a result under `<suite>/<run name>/<run time>/`; run
    times sort as they happened.)"""
    stored = docs_dir / "gx" / "uncommitted" / "validations" / suite_name
    pages = data_docs_index(docs_dir).parent / "validations" / suite_name
    runs = sorted(stored.glob("*/*"), key=lambda folder: folder.name)
    old = runs[: max(len(runs) - keep, 0)]
    for run in old:
        shutil.rmtree(run)
        shutil.rmtree(pages / run.relative_to(stored), ignore_errors=True)
    for folder in {run.parent for run in old}:
        for emptied in (folder, pages / folder.relative_to(stored)):
            if emptied.is_dir() and not any(emptied.iterdir()):
                emptied.rmdir()


# What Data Docs load from the internet → where the same file lies in the npm packages of
# vendor/data_docs (installed by `make install`); folders are copied whole (a stylesheet
# finds its fonts beside it).
DATA_DOCS_ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap/dist/js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js/dist/umd/popper.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}  # fmt: skip
COPIED_FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)
# GE's logo, fetched from S3 with the context's id: the same image ships with the docs.
REMOTE_LOGO = re.compile(r"https://great-expectations-web-assets\.s3[^\"']*/logo-long\.png[^\"']*")
# Subresource-integrity pins of the CDN builds: local files from npm need none (and a file://
# page cannot satisfy `crossorigin`).
CDN_PINS = re.compile(r'\s+(integrity="sha\d+-[^"]*"|crossorigin="anonymous")')


def data_docs_packages() -> Path:
    """The npm packages of vendor/data_docs (`make install` runs `npm ci` there), or
    QM_DATA_DOCS_ASSETS; a pip-installed package without them keeps the CDN links."""
    configured = os.environ.get("QM_DATA_DOCS_ASSETS")
    if configured:
        return Path(configured)
    return settings.REPO_ROOT / "vendor" / "data_docs" / "node_modules"


def localize_data_docs(site_dir: Path, packages_dir: Path, since: float | None = None) -> int:
    """Point every Data Docs page (with `since`, every page written since that time) at
    local copies of the scripts, styles and fonts it loads from CDNs (and at the logo it
    ships instead of the S3 one), so the docs render offline and call nowhere. Returns the
    pages rewritten; without the npm packages, nothing."""
    if not packages_dir.is_dir():
        return 0
    vendor = site_dir / "static" / "vendor"
    for relative in {*DATA_DOCS_ASSETS.values(), *COPIED_FOLDERS}:
        source, target = packages_dir / relative, vendor / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
    rewritten = 0
    for page in site_dir.rglob("*.html"):
        if since is not None and page.stat().st_mtime < since:
            continue
        text = page.read_text(encoding="utf-8")
        to_site = os.path.relpath(site_dir, page.parent)
        localized = REMOTE_LOGO.sub(f"{to_site}/static/images/logo-long.png", text)
        for url, relative in DATA_DOCS_ASSETS.items():
            localized = localized.replace(url, f"{to_site}/static/vendor/{relative}")
        localized = CDN_PINS.sub("", localized)
        if localized != text:
            page.write_text(localized, encoding="utf-8")
            rewritten += 1
    return rewritten
