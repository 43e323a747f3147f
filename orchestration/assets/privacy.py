"""No personal data in any table or view of the build file: a blocking check of every build.

Redaction at ingest (orchestration.ingest.redaction) replaces personal data in the free-text
columns the contract names; this check looks again, after dbt has built everything and before
publishing, at every text column of every table and view (raw, quarantine, staging,
intermediate, marts), with the same detectors: DuckDB's RE2 finds the values that could hold
personal data (the redaction's CANDIDATE_PATTERN), and a value counts when the redaction's
Python rules would change it. Its tokens ([CARD], [EMAIL] …) and ordinary numbers pass.

Speed (a year's warehouse holds tens of millions of text values, most of them identifiers):
each column's distinct values are counted first and only those are matched; a value the Python
rules have judged is not judged again in another column or table (an interaction id recurs in
dozens); and values shaped like our identifiers (IDENTIFIER_SHAPE), which no rule can change,
never reach Python.
"""

from collections.abc import Sequence

import dagster as dg
import duckdb

from orchestration.ingest.redaction import CANDIDATE_PATTERN, redact_text
from orchestration.pipeline import Progress, report_progress
from orchestration.resources import WarehouseResource

CHECK_NAME = "no_personal_data"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """`schema.relation` → its columns holding text (VARCHAR, and lists or structs of it)."""
    rows = connection.execute(
        "select schema_name, table_name, column_name from duckdb_columns()"
        " where database_name = current_database() and not internal"
        " and data_type like '%VARCHAR%'"
        " order by schema_name, table_name, column_index"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for schema, relation, column in rows:
        columns.setdefault(f"{_quoted(schema)}.{_quoted(relation)}", []).append(column)
    return columns


# Letters or underscores, then digits, in parts joined by ':' or '|' (INT00344799,
# auto:INT00344799:customer_service, qa_score|day|agent|A0012). No redaction rule can change
# such a value: every digit rule needs the first digit of its match after a character that is
# not a letter, digit or underscore (a UK NI number also a letter right after its digits),
# the e-mail rules an '@' or spaces around "at", spoken digits words apart from each other.
# tests/unit/test_privacy_identifiers.py holds the rules to it.
IDENTIFIER_SHAPE = r"[A-Za-z_]+[0-9]*(?:[:|][A-Za-z_]+[0-9]*)*"


def personal_data_found(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """`schema.relation.column` → how many of its values hold personal data (only where
    some do). The values themselves are never returned: they are what must not spread."""
    found: dict[str, int] = {}
    judged: dict[str, bool] = {}  # value → the redaction would change it
    for relation, columns in _text_columns(connection).items():
        # One query per relation: each text column's distinct candidate values, counted.
        parts = [
            f"select {index} as position, value, times from ("
            f"select cast({_quoted(column)} as varchar) as value, count(*) as times"
            f" from {relation} group by all)"
            " where regexp_matches(value, $pattern)"
            " and not regexp_full_match(value, $identifier)"
            for index, column in enumerate(columns)
        ]
        candidates = connection.execute(
            " union all ".join(parts),
            {"pattern": CANDIDATE_PATTERN, "identifier": IDENTIFIER_SHAPE},
        ).fetchall()
        for position, value, times in candidates:
            if value not in judged:
                judged[value] = redact_text(value) != value
            if judged[value]:
                name = f"{relation.replace(chr(34), '')}.{columns[position]}"
                found[name] = found.get(name, 0) + times
    return found


def found_message(found: dict[str, int]) -> str:
    """The check's outcome in words: the columns first, since that is where to look."""
    if not found:
        return "no personal data in any text column of any table or view"
    columns = ", ".join(
        f"{name} ({count} value{'' if count == 1 else 's'})"
        for name, count in sorted(found.items())
    )
    return (
        f"personal data in {len(found)} column{'' if len(found) == 1 else 's'} of the build"
        f" file: {columns}. Pseudonymise an id column before landing, have the ingest redact"
        " a text column (contract free_text), or fix the model that copies it; nothing is"
        " published until then."
    )


def build_privacy_check(
    checked: dg.AssetKey, after: Sequence[dg.AssetKey]
) -> dg.AssetChecksDefinition:
    """The check, on `checked` (a mart the publish step depends on, so the blocking check
    holds the publish back) and run after every asset in `after` (every dbt model)."""

    @dg.asset_check(
        asset=checked,
        name=CHECK_NAME,
        blocking=True,
        additional_deps=[key for key in after if key != checked],
        description=(
            "No personal data (card, national id, e-mail, phone: the redaction's detectors)"
            " in any text column of any table or view of the build file."
        ),
    )
    def no_personal_data(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        with warehouse.connect() as connection:
            found = personal_data_found(connection)
        message = found_message(found)
        if found:
            report_progress(context.log, Progress("validate", CHECK_NAME, "failed", message))
        else:
            context.log.info(f"{CHECK_NAME}: {message}")
        return dg.AssetCheckResult(
            passed=not found,
            severity=dg.AssetCheckSeverity.ERROR,
            description=message,
            metadata={"values_found_per_column": dg.MetadataValue.json(found)},
        )

    return no_personal_data
