"""DDL of the raw schema: one typed table per export, the file ledger and the quarantine."""

from __future__ import annotations

import duckdb

from orchestration.contract import TABULAR_EXPORTS, Export
from orchestration.ingest.checks import SQL_TYPES, quote

LINEAGE_COLUMNS = """
    _extra json,
    _source_file varchar not null,
    _source_row bigint not null,
    _file_hash varchar not null,
    _load_sequence bigint not null,
    _ingested_at timestamp not null
"""

FIXED_TABLES = """
create schema if not exists raw;
create table if not exists raw.file_ledger (
    file_hash varchar not null,
    export varchar not null,
    source_file varchar not null,
    file_bytes bigint not null,
    rows_in bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    load_sequence bigint not null,
    ingested_at timestamp not null,
    primary key (export, file_hash)
);
create table if not exists raw.quarantine (
    export varchar not null,
    source_file varchar not null,
    source_row bigint,
    file_hash varchar not null,
    reason varchar not null,
    detail varchar,
    raw_row varchar,
    load_sequence bigint not null,
    quarantined_at timestamp not null
);
create table if not exists raw.forms (
    form_id varchar not null,
    form_version bigint not null,
    form_name varchar,
    effective_from date not null,
    definition json not null,
    _source_file varchar not null,
    _file_hash varchar not null,
    _load_sequence bigint not null,
    _ingested_at timestamp not null
);
create table if not exists raw.form_questions (
    form_id varchar not null,
    form_version bigint not null,
    section_id varchar not null,
    section_position integer not null,
    section_weight double not null,
    question_id varchar not null,
    question_position integer not null,
    question_text varchar,
    question_type varchar not null,
    max_points double not null,
    question_weight double not null,
    critical varchar not null,
    na_allowed boolean not null,
    auto_rule json,
    _file_hash varchar not null,
    _load_sequence bigint not null
);
create table if not exists raw.quality_targets (
    metric varchar not null,
    segment varchar not null,
    target double not null,
    direction varchar not null,
    effective_from date not null,
    _source_file varchar not null,
    _source_row bigint not null,
    _file_hash varchar not null,
    _load_sequence bigint not null,
    _ingested_at timestamp not null
);
"""


def export_table_ddl(export: Export) -> str:
    columns = ",\n    ".join(
        f"{quote(column.name)} {SQL_TYPES[column.kind]}" for column in export.columns
    )
    return f"create table if not exists raw.{export.name} (\n    {columns},\n{LINEAGE_COLUMNS})"


def _key_ledger_by_export(connection: duckdb.DuckDBPyConnection) -> None:
    """A ledger written before files were keyed by export and content (its key the content
    hash alone) gets the new key; its rows stay as they are."""
    keys = connection.execute(
        "select constraint_column_names from duckdb_constraints()"
        " where schema_name = 'raw' and table_name = 'file_ledger'"
        " and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    if keys and list(keys[0][0]) == ["file_hash"]:
        connection.execute("alter table raw.file_ledger rename to file_ledger_by_hash")
        connection.execute(FIXED_TABLES)
        connection.execute("insert into raw.file_ledger select * from raw.file_ledger_by_hash")
        connection.execute("drop table raw.file_ledger_by_hash")


def ensure_raw_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create schema if not exists raw")
    _key_ledger_by_export(connection)
    connection.execute(FIXED_TABLES)
    for export in TABULAR_EXPORTS.values():
        connection.execute(export_table_ddl(export))
