"""Load one landed CSV / JSONL / Parquet file into its raw table, quarantining bad rows.

Personal data is redacted from the landed text before anything is stored: the contract's
free-text columns and every unknown extra column before the checks (so loaded and
quarantined rows carry the same redacted text), and, in the quarantine, every landed value,
the detail and the raw text of malformed lines (a broken row can hold anything anywhere).

A file is read and redacted in chunks (readers.CHUNK_ROWS records) appended to a temporary
table inside the file's one transaction, so Python holds one chunk at a time and DuckDB,
within its memory limit, the rest (spilling to disk past it). The checks then run over the
whole file in SQL, as before: duplicate keys are judged across chunks.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.contract import TABULAR_EXPORTS, Export
from orchestration.ingest import ledger, readers
from orchestration.ingest.checks import checked_rows_sql, duplicate_key_update, quote
from orchestration.ingest.readers import MalformedRecord, iter_landed_file
from orchestration.ingest.redaction import redact_columns, redact_text
from orchestration.ingest.references import reference_checks

LANDED = "landed_file"

QUARANTINE_INSERT = """
insert into raw.quarantine
select ?, ?, _source_row, ?, quarantine_reason, quarantine_detail, {raw_row}, ?,
  current_timestamp::timestamp
from quarantined_rows
"""


def _quarantined_rows(
    connection: duckdb.DuckDBPyConnection, export: Export, first_row: int, last_row: int
) -> pa.Table:
    """The checked rows that failed among source rows first_row..last_row, with every landed
    value and the detail redacted: a value in the wrong column (a card number typed into
    turn_index) is quoted there."""
    landed = ", ".join(quote("landed__" + name) for name in export.column_names)
    table = connection.sql(
        f"select _source_row, quarantine_reason, quarantine_detail, {landed}, _extra"
        " from checked where quarantine_reason is not null"
        " and _source_row between $first and $last order by _source_row",
        params={"first": first_row, "last": last_row},
    ).to_arrow_table()
    names = ["quarantine_detail", *("landed__" + name for name in export.column_names)]
    return redact_columns(table, names)


def _stage_chunk(
    connection: duckdb.DuckDBPyConnection, chunk: pa.Table, export: Export, staged: list[str]
) -> None:
    """Redact one chunk's free text and unknown columns and append it to the staging table
    (created by the first chunk; a column first seen in a later JSONL chunk is added)."""
    free_text = [column.name for column in export.columns if column.free_text]
    extras = [name for name in chunk.column_names if name not in export.column_names]
    chunk = redact_columns(chunk, free_text + [name for name in extras if name != "_source_row"])
    connection.register("landed_chunk", chunk)
    try:
        if not staged:
            connection.execute(f"create or replace temp table {LANDED} as from landed_chunk")
            staged.extend(chunk.column_names)
            return
        for name in chunk.column_names:
            if name not in staged:
                connection.execute(f"alter table {LANDED} add column {quote(name)} varchar")
                staged.append(name)
        connection.execute(f"insert into {LANDED} by name from landed_chunk")
    finally:
        connection.unregister("landed_chunk")


def _stage_file(
    connection: duckdb.DuckDBPyConnection, path: Path, export: Export, encoding: str | None
) -> tuple[list[str], list[MalformedRecord], int]:
    """Stage every chunk of the file; return the extra columns, the malformed records and
    the number of records read (rows plus malformed lines)."""
    staged: list[str] = []
    malformed: list[MalformedRecord] = []
    records = 0
    for chunk in iter_landed_file(path, encoding=encoding):
        _stage_chunk(connection, chunk.table, export, staged)
        malformed += chunk.malformed
        records += chunk.rows_in
    for name in export.column_names:  # absent contract columns are empty text
        if name not in staged:
            connection.execute(f"alter table {LANDED} add column {quote(name)} varchar")
            staged.append(name)
    extras = [name for name in staged if name not in export.column_names and name != "_source_row"]
    return extras, malformed, records


def _quarantine(
    connection: duckdb.DuckDBPyConnection,
    export: Export,
    source_file: str,
    file_hash: str,
    sequence: int,
) -> None:
    """Copy the failed rows to raw.quarantine, a block of source rows at a time (a file of
    millions of bad rows is redacted chunk by chunk, like the landing)."""
    landed_columns = ", ".join(
        f"{quote(name)} := {quote('landed__' + name)}" for name in export.column_names
    )
    raw_row = f"json_merge_patch(to_json(struct_pack({landed_columns})), coalesce(_extra, '{{}}'))"
    [(first, last)] = connection.execute(
        "select min(_source_row), max(_source_row) from checked where quarantine_reason is not null"
    ).fetchall()
    if first is None:
        return
    block = readers.CHUNK_ROWS
    for start in range(first, last + 1, block):
        rows = _quarantined_rows(connection, export, start, start + block - 1)
        if rows.num_rows == 0:
            continue
        connection.register("quarantined_rows", rows)
        try:
            connection.execute(
                QUARANTINE_INSERT.format(raw_row=raw_row),
                [export.name, source_file, file_hash, sequence],
            )
        finally:
            connection.unregister("quarantined_rows")


def _quarantine_malformed(
    connection: duckdb.DuckDBPyConnection,
    export: Export,
    malformed: list[MalformedRecord],
    source_file: str,
    file_hash: str,
    sequence: int,
) -> None:
    if not malformed:
        return
    records = pa.table(
        {
            "source_row": pa.array([record.source_row for record in malformed], pa.int64()),
            "reason": pa.array([record.reason for record in malformed], pa.string()),
            "detail": pa.array([redact_text(record.detail) for record in malformed], pa.string()),
            "raw_row": pa.array(
                [json.dumps({"_line": redact_text(record.raw_text)}) for record in malformed],
                pa.string(),
            ),
        }
    )
    connection.register("malformed_rows", records)
    try:
        connection.execute(
            "insert into raw.quarantine select ?, ?, source_row, ?, reason, detail,"
            " raw_row::json, ?, current_timestamp::timestamp from malformed_rows"
            " order by source_row",
            [export.name, source_file, file_hash, sequence],
        )
    finally:
        connection.unregister("malformed_rows")


def _load_rows(
    connection: duckdb.DuckDBPyConnection,
    export: Export,
    path: Path,
    outcome: ledger.FileOutcome,
    sequence: int,
    encoding: str | None,
) -> None:
    """Stage, check and load the file's rows, quarantine the rest and record the file."""
    extras, malformed, outcome.rows_in = _stage_file(connection, path, export, encoding)
    connection.execute(
        "create or replace temp table checked as " + checked_rows_sql(export, LANDED, extras)
    )
    connection.execute(f"drop table {LANDED}")
    connection.execute(duplicate_key_update(export, "checked"))
    for _reason, statement in reference_checks(export.name):
        connection.execute(statement)

    source_file, file_hash = outcome.source_file, outcome.file_hash
    columns = ", ".join(quote(name) for name in export.column_names)
    connection.execute(
        f"insert into raw.{export.name} select {columns}, _extra, ?, _source_row, ?, ?,"
        " current_timestamp::timestamp from checked where quarantine_reason is null",
        [source_file, file_hash, sequence],
    )
    _quarantine(connection, export, source_file, file_hash, sequence)
    _quarantine_malformed(connection, export, malformed, source_file, file_hash, sequence)
    counts = connection.execute(
        "select count(*) filter (where quarantine_reason is null),"
        " count(*) filter (where quarantine_reason is not null) from checked"
    ).fetchall()
    outcome.rows_loaded = int(counts[0][0])
    outcome.rows_quarantined = int(counts[0][1]) + len(malformed)
    ledger.record(connection, outcome, path.stat().st_size, sequence)
    connection.execute("drop table checked")


def load_file(
    connection: duckdb.DuckDBPyConnection, export_name: str, path: Path, landing_dir: Path
) -> ledger.FileOutcome:
    """Ingest one file in one transaction; a file already in the export's ledger is skipped.

    A file the reader cannot read (not Parquet inside, undecodable as a whole) loses its
    partial rows and is quarantined whole instead (`invalid_file`), and recorded, so the
    rest of the run, and every later one, goes on."""
    export = TABULAR_EXPORTS[export_name]
    encoding = readers.declared_encoding(landing_dir, export_name)
    source_file = ledger.relative_name(landing_dir, path)
    outcome = ledger.FileOutcome(export_name, source_file, ledger.content_hash(path))
    if ledger.is_known(connection, export_name, outcome.file_hash):
        outcome.skipped_as_known = True
        return outcome
    try:
        with ledger.file_transaction(connection) as sequence:
            _load_rows(connection, export, path, outcome, sequence, encoding)
    except readers.READ_ERRORS as error:
        outcome.unreadable = f"cannot be read as {path.suffix.lower()[1:]}: {error}"
        with ledger.file_transaction(connection) as sequence:
            ledger.quarantine_file(connection, outcome, path, sequence)
    return outcome
