"""Landing → raw: one asset per export, each with its Great Expectations suite as a check.
The exports that arrive every day are partitioned by day (orchestration.partitions)."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from orchestration.assets.metadata import table_metadata
from orchestration.assets.validation import suite_check_result
from orchestration.contract import TABULAR_EXPORTS
from orchestration.ingest import INGEST_ORDER, ExportReport, ingest_export
from orchestration.partitions import DAILY_EXPORTS, Days, daily_partitions
from orchestration.pipeline import FILE_WARNINGS, Progress, report_progress
from orchestration.resources import WarehouseResource
from orchestration.validation import suite_path, validate_table

# Tables an export writes besides its own (a form file fills forms and form_questions).
EXTRA_TABLES = {"forms": ("form_questions",)}
UPSTREAM_EXPORTS = {
    "transcripts": ("interactions",),
    "evaluations": ("forms",),
    "evaluation_answers": ("evaluations", "forms"),
}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def raw_suite(export: str) -> str | None:
    name = f"raw_{export}"
    return name if suite_path(name).exists() else None


def _reasons_markdown(connection, export: str, sequences: list[int]) -> str:
    if not sequences:
        return "No new files."
    rows = connection.execute(
        "select reason, count(*) from raw.quarantine where export = ? and load_sequence in"
        f" ({', '.join('?' * len(sequences))}) group by reason order by 2 desc",
        [export, *sequences],
    ).fetchall()
    if not rows:
        return "No rows quarantined."
    return "| reason | rows |\n|---|---|\n" + "\n".join(f"| {r} | {n} |" for r, n in rows)


def _materializations(
    connection, export: str, report: ExportReport, days: Days | None
) -> Iterator[dg.MaterializeResult]:
    sequences = [outcome.load_sequence for outcome in report.new_files]
    yield dg.MaterializeResult(
        asset_key=raw_key(export),
        metadata={
            **table_metadata(connection, "raw", export),
            **({"days": days.describe()} if days else {}),
            "new_files": len(report.new_files),
            "files_already_ingested": len(report.files) - len(report.new_files),
            "rows_in": report.total("rows_in"),
            "rows_loaded": report.total("rows_loaded"),
            "rows_quarantined": report.total("rows_quarantined"),
            "quarantine_reasons": dg.MetadataValue.md(
                _reasons_markdown(connection, export, sequences)
            ),
            FILE_WARNINGS: dg.MetadataValue.json(report.warnings()),
        },
    )
    for table in EXTRA_TABLES.get(export, ()):
        yield dg.MaterializeResult(
            asset_key=raw_key(table), metadata=table_metadata(connection, "raw", table)
        )


def _reconciliation_check(connection, export: str) -> dg.AssetCheckResult:
    """Rows in = rows loaded + rows quarantined, over every file of the export ever landed."""
    rows_in, loaded, quarantined = connection.execute(
        "select coalesce(sum(rows_in), 0), coalesce(sum(rows_loaded), 0),"
        " coalesce(sum(rows_quarantined), 0) from raw.file_ledger where export = ?",
        [export],
    ).fetchall()[0]
    table_rows = (
        connection.execute(f"select count(*) from raw.{export}").fetchall()[0][0]
        if export in TABULAR_EXPORTS
        else loaded
    )
    return dg.AssetCheckResult(
        asset_key=raw_key(export),
        check_name="rows_reconcile",
        passed=bool(rows_in == loaded + quarantined and table_rows == loaded),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows_in": rows_in, "rows_loaded": loaded, "rows_quarantined": quarantined},
    )


def _file_progress(line: str) -> Progress:
    """ingest_export's line per file ("<export>/<file>: <counts>") as a progress item."""
    file, _, detail = line.partition(": ")
    return Progress("ingest", file, "ok", detail)


def build_ingest_asset(export: str) -> dg.AssetsDefinition:
    suite = raw_suite(export)
    check_specs = [
        dg.AssetCheckSpec(
            "rows_reconcile",
            asset=raw_key(export),
            blocking=True,
            description="Rows in = rows loaded + rows quarantined, for every file landed.",
        )
    ]
    if suite:
        check_specs.append(
            dg.AssetCheckSpec(
                f"ge_{suite}", asset=raw_key(export), blocking=True, description=f"GE suite {suite}"
            )
        )
    specs = [
        dg.AssetSpec(
            raw_key(table),
            group_name="ingest",
            description=f"Raw `{table}` rows that passed the landing contract, with lineage.",
            deps=[raw_key(upstream) for upstream in UPSTREAM_EXPORTS.get(export, ())],
            kinds={"duckdb", "python"},
        )
        for table in (export, *EXTRA_TABLES.get(export, ()))
    ]

    daily = export in DAILY_EXPORTS

    @dg.multi_asset(
        name=f"ingest_{export}",
        specs=specs,
        check_specs=check_specs,
        partitions_def=daily_partitions if daily else None,
        # a range of days in one run: the ingest reads each day's files in turn anyway
        backfill_policy=dg.BackfillPolicy.single_run() if daily else None,
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        days = Days.from_range(context.partition_key_range) if daily else None
        with warehouse.connect() as connection:
            report = ingest_export(
                connection,
                export,
                Path(warehouse.landing_dir),
                progress=lambda line: report_progress(context.log, _file_progress(line)),
                include=days.holds if days else None,
            )
            for warning in report.warnings():
                context.log.warning(warning)
            yield from _materializations(connection, export, report, days)
            yield _reconciliation_check(connection, export)
            if suite:
                outcome = validate_table(
                    connection, suite, Path(warehouse.validation_dir), context.run_id
                )
                yield suite_check_result(
                    outcome, context.log, asset_key=raw_key(export), check_name=f"ge_{suite}"
                )

    return _ingest


ingest_assets = [build_ingest_asset(export) for export in INGEST_ORDER]
