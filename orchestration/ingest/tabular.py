"""Load one landed CSV / JSONL / Parquet file into its raw table, quarantining bad rows.

Personal data is redacted from the landed text before anything is stored: the contract's
free-text columns and every unknown extra column before the checks (so loaded and
quarantined rows carry the same redacted text), and, in the quarantine, every landed value,
the detail and the raw text of malformed lines (a broken row can hold anything anywhere).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.contract import TABULAR_EXPORTS, Export
from orchestration.ingest import ledger
from orchestration.ingest.checks import checked_rows_sql, quote
from orchestration.ingest.readers import LandedFile, read_landed_file
from orchestration.ingest.redaction import redact_columns, redact_text
from orchestration.ingest.references import reference_checks

QUARANTINE_INSERT = """
insert into raw.quarantine
select ?, ?, _source_row, ?, quarantine_reason, quarantine_detail, {raw_row}, ?,
  current_timestamp::timestamp
from quarantined_rows
"""


def _quarantined_rows(connection: duckdb.DuckDBPyConnection, export: Export) -> pa.Table:
    """The checked rows that failed, with every landed value and the detail redacted: a
    value in the wrong column (a card number typed into turn_index) is quoted there."""
    landed = ", ".join(quote("landed__" + name) for name in export.column_names)
    table = connection.sql(
        f"select _source_row, quarantine_reason, quarantine_detail, {landed}, _extra"
        " from checked where quarantine_reason is not null"
    ).to_arrow_table()
    names = ["quarantine_detail", *("landed__" + name for name in export.column_names)]
    return redact_columns(table, names)


def _with_contract_columns(landed: LandedFile, export: Export) -> tuple[pa.Table, list[str]]:
    """Add absent contract columns as empty text; return the table and the extra columns."""
    table = landed.table
    for name in export.column_names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, type=pa.string()))
    extras = [
        name
        for name in table.column_names
        if name not in export.column_names and name != "_source_row"
    ]
    return table, extras


def load_file(
    connection: duckdb.DuckDBPyConnection, export_name: str, path: Path, landing_dir: Path
) -> ledger.FileOutcome:
    """Ingest one file in one transaction; a file already in the ledger is skipped."""
    export = TABULAR_EXPORTS[export_name]
    source_file = ledger.relative_name(landing_dir, path)
    file_hash = ledger.content_hash(path)
    outcome = ledger.FileOutcome(export_name, source_file, file_hash)
    if ledger.is_known(connection, file_hash):
        outcome.skipped_as_known = True
        return outcome

    landed = read_landed_file(path)
    table, extras = _with_contract_columns(landed, export)
    free_text = [column.name for column in export.columns if column.free_text]
    table = redact_columns(table, free_text + extras)
    outcome.rows_in = landed.rows_in
    connection.execute("begin transaction")
    try:
        sequence = ledger.next_load_sequence(connection)
        connection.register("landed_file", table)
        connection.execute(
            "create or replace temp table checked as "
            + checked_rows_sql(export, "landed_file", extras)
        )
        connection.unregister("landed_file")
        for _reason, statement in reference_checks(export_name):
            connection.execute(statement)

        columns = ", ".join(quote(name) for name in export.column_names)
        connection.execute(
            f"insert into raw.{export_name} select {columns}, _extra, ?, _source_row, ?, ?,"
            " current_timestamp::timestamp from checked where quarantine_reason is null",
            [source_file, file_hash, sequence],
        )
        landed_columns = ", ".join(
            f"{quote(name)} := {quote('landed__' + name)}" for name in export.column_names
        )
        raw_row = (
            f"json_merge_patch(to_json(struct_pack({landed_columns})), coalesce(_extra, '{{}}'))"
        )
        connection.register("quarantined_rows", _quarantined_rows(connection, export))
        connection.execute(
            QUARANTINE_INSERT.format(raw_row=raw_row),
            [export_name, source_file, file_hash, sequence],
        )
        connection.unregister("quarantined_rows")
        for record in landed.malformed:
            connection.execute(
                "insert into raw.quarantine values (?, ?, ?, ?, 'malformed_row', ?, ?, ?,"
                " current_timestamp::timestamp)",
                [
                    export_name,
                    source_file,
                    record.source_row,
                    file_hash,
                    redact_text(record.detail),
                    json.dumps({"_line": redact_text(record.raw_text)}),
                    sequence,
                ],
            )
        counts = connection.execute(
            "select count(*) filter (where quarantine_reason is null),"
            " count(*) filter (where quarantine_reason is not null) from checked"
        ).fetchall()
        outcome.rows_loaded = int(counts[0][0])
        outcome.rows_quarantined = int(counts[0][1]) + len(landed.malformed)
        ledger.record(connection, outcome, path.stat().st_size, sequence)
        connection.execute("drop table checked")
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise
    return outcome
