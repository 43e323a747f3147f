"""Personal data planted in every text field of a landing set never reaches the warehouse.

A small generated landing set gets card numbers (written and read out), a social security
number, a National Insurance number, e-mail addresses (written and spoken) and phone
numbers in every free-text column, in an unknown extra column, in rows the contract
quarantines (bad values, malformed lines, a broken form file, a refused target) and in a
typed column of a quarantined row; other rows get ordinary numbers. After the real
pipeline, every value of every table and view of the build and the published file is
searched for any trace of the planted data; the tokens and the ordinary numbers are there.
The landing set and its one run are shared (tests/planted_landing.py, fixture `planted_run`)
with the tests that hostile values stay data.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.planted_landing import FREE_TEXT, ORDINARY

pytestmark = pytest.mark.slow

# Digit strings (separators removed) and text that must not appear anywhere.
DIGIT_TRACES = {
    "visa": "4539148803436467",
    "mastercard": "5555555555554444",
    "ssn": "123456789",
    "ni": "103759",
    "uk_phone": "7700900123",
    "us_phone": "5552010147",
}
TEXT_TRACES = (
    "three seven eight two",
    "jane.doe",
    "@example.com",
    "john dot smith",
    "example dot org",
    "jg 10 37 59",
)
TOKENS = ("[CARD]", "[ID]", "[EMAIL]", "[PHONE]")

ORDINARY_PIECES = ("12345678", "ORD-2026-000123", "$1,234.56", "£45.00", "10:30",
                   "2026-06-01", "01/06/2026", "14:05:22", "250 units")  # fmt: skip


def _relations(connection) -> list[tuple[str, str]]:
    return connection.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        " union all select schema_name, view_name from duckdb_views()"
        " where database_name = current_database() and not internal"
    ).fetchall()


def _all_values(path: Path):
    """(relation, column, text) for every text value of every table and view, lists and
    structs as their text (a number such as a turn's 103.759 seconds holds no personal data,
    though its digits may spell a planted number's)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        for schema, name in _relations(connection):
            relation = f'"{schema}"."{name}"'
            cursor = connection.execute(f"select * from {relation}")
            columns = [description[0] for description in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str | list | dict):
                        yield f"{schema}.{name}", column, str(value)


def _traces(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    lowered = text.lower()
    found = [kind for kind, trace in DIGIT_TRACES.items() if trace in digits]
    return found + [trace for trace in TEXT_TRACES if trace in lowered]


@pytest.mark.parametrize("which", ["build", "published"])
def test_no_trace_of_planted_personal_data_in_any_table_or_view(planted_run, which):
    path = planted_run.build if which == "build" else planted_run.published
    assert path.exists(), planted_run.output[-3000:]
    leaks, tokens_seen, relations_seen = [], set(), set()
    for relation, column, text in _all_values(path):
        relations_seen.add(relation)
        if traces := _traces(text):
            leaks.append((relation, column, traces, text[:200]))
        tokens_seen.update((relation, column, token) for token in TOKENS if token in text)
    assert not leaks, leaks[:10]
    assert {"raw.transcripts", "raw.quarantine"} <= relations_seen
    for export, column in FREE_TEXT.items():
        for token in TOKENS:
            assert (f"raw.{export}", column, token) in tokens_seen, (export, token)
    for token in TOKENS:
        assert ("raw.quarantine", "raw_row", token) in tokens_seen, token
        assert ("raw.transcripts", "_extra", token) in tokens_seen, token
        assert ("raw.coaching_sessions", "_extra", token) in tokens_seen, token


def test_planted_rows_reach_the_quarantine(planted_run):
    with duckdb.connect(str(planted_run.build), read_only=True) as connection:
        reasons = dict(
            connection.execute(
                "select export || ':' || reason, count(*) from raw.quarantine group by all"
            ).fetchall()
        )
    # the bad turn_index rows, the malformed lines, the bad csat, the broken form, the target
    for key in ("transcripts:bad_number", "transcripts:malformed_row",
                "evaluation_answers:malformed_row", "csat_surveys:malformed_row",
                "csat_surveys:bad_number", "forms:invalid_file",
                "quality_targets:unknown_metric"):  # fmt: skip
        assert reasons.get(key, 0) >= 1, (key, reasons)


def test_warehouse_files_hold_no_planted_bytes(planted_run):
    for path in (planted_run.build, planted_run.published):
        assert path.exists(), planted_run.output[-3000:]
        content = path.read_bytes()
        for needle in (b"jane.doe@example.com", b"4539 1488 0343 6467", b"07700 900123",
                       b"123-45-6789", b"john dot smith"):  # fmt: skip
            assert needle not in content, (path.name, needle)


@pytest.mark.parametrize("which", ["build", "published"])
def test_ordinary_numbers_survive_into_the_warehouse(planted_run, which):
    path = planted_run.build if which == "build" else planted_run.published
    assert path.exists(), planted_run.output[-3000:]
    with duckdb.connect(str(path), read_only=True) as connection:
        for export, column in FREE_TEXT.items():
            values = [
                row[0]
                for row in connection.execute(
                    f"select {column} from raw.{export} where {column} like '%ORD-2026-000123%'"
                ).fetchall()
            ]
            assert values == [ORDINARY], (export, values)
        turns = connection.execute(
            "select turn_text from intermediate.int_transcript_turns where turn_text like '%ORD-2026%'"
        ).fetchall()
    assert [row[0] for row in turns] == [ORDINARY]
    for piece in ORDINARY_PIECES:
        assert piece in ORDINARY
