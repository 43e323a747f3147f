"""Personal data planted in every text field of a landing set never reaches the warehouse.

A small generated landing set gets card numbers (written and read out), a social security
number, a National Insurance number, e-mail addresses (written and spoken) and phone
numbers in every free-text column, in an unknown extra column, in rows the contract
quarantines (bad values, malformed lines, a broken form file, a refused target) and in a
typed column of a quarantined row; other rows get ordinary numbers. After the real
pipeline, every value of every table and view of the build and the published file is
searched for any trace of the planted data; the tokens and the ordinary numbers are there.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import run_pipeline, run_qm

pytestmark = pytest.mark.slow

# Card numbers are issuers' published test numbers (Luhn-valid); the others are reserved
# for documentation (Ofcom drama numbers 07700 900xxx, NANP 555-01xx, SSA-invalid-looking
# but well-formed SSN, HMRC-format NI).
PERSONAL = (
    "Card 4539 1488 0343 6467, or 5555-5555-5555-4444, or three seven eight two eight two"
    " two four six three one oh oh oh five; SSN 123-45-6789; NI JG 10 37 59 A;"
    " mail jane.doe@example.com or john dot smith at example dot org;"
    " phone 07700 900123 or (555) 201-0147"
)
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

ORDINARY = (
    "order 12345678 ref ORD-2026-000123 for $1,234.56 (£45.00) at 10:30 on 2026-06-01,"
    " 01/06/2026, 14:05:22, 250 units in 2026"
)
ORDINARY_PIECES = ("12345678", "ORD-2026-000123", "$1,234.56", "£45.00", "10:30",
                   "2026-06-01", "01/06/2026", "14:05:22", "250 units")  # fmt: skip

FREE_TEXT = {
    "transcripts": "text",
    "evaluation_answers": "comment",
    "csat_surveys": "comment",
    "coaching_sessions": "notes",
    "process_changes": "description",
}


def _rewrite_csv(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header, extra_lines = edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        handle.writelines(extra_lines)


def _plant(landing: Path) -> None:
    """Personal data in the first row's free text, ordinary numbers in the second."""
    transcripts = next((landing / "transcripts").glob("*.parquet"))
    table = pq.read_table(transcripts)
    text = table.column("text").to_pylist()
    text[0], text[1] = PERSONAL, ORDINARY
    table = table.set_column(table.column_names.index("text"), "text", pa.array(text))
    remarks = [PERSONAL] + [None] * (table.num_rows - 1)
    pq.write_table(
        table.append_column("agent_remarks", pa.array(remarks, pa.string())), transcripts
    )
    first = table.slice(0, 1).to_pylist()[0]
    with (landing / "transcripts" / "transcripts_0002_broken.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interaction_id", "turn_index", "speaker", "begin_offset_ms",
                         "end_offset_ms", "text"])  # fmt: skip
        writer.writerow([first["interaction_id"], "not a number", "customer", 0, 10, PERSONAL])
        writer.writerow([first["interaction_id"], "4539 1488 0343 6467", "agent", 0, 10, "hi"])
        handle.write(f'{first["interaction_id"]},999,customer,"{PERSONAL}",extra,fields,here\n')

    def first_rows(column: str, malformed: bool):
        def edit(rows):
            rows[0][column], rows[1][column] = PERSONAL, ORDINARY
            return list(rows[0]), ([f"broken,{PERSONAL}\n"] if malformed else [])

        return edit

    answers = next((landing / "evaluation_answers").glob("*.csv"))
    _rewrite_csv(answers, first_rows("comment", malformed=True))

    def changes(rows):  # the generated file has a single change
        rows[0]["description"] = PERSONAL
        rows.append({**rows[0], "change_id": "PC_ORD", "description": ORDINARY})
        return list(rows[0]), []

    _rewrite_csv(next((landing / "process_changes").glob("*.csv")), changes)

    def coaching(rows):
        rows[0]["notes"], rows[1]["notes"] = PERSONAL, ORDINARY
        for row in rows:
            row["coach_remarks"] = ""
        rows[0]["coach_remarks"] = PERSONAL
        return list(rows[0]), []

    _rewrite_csv(next((landing / "coaching_sessions").glob("*.csv")), coaching)

    surveys = next((landing / "csat_surveys").glob("*.jsonl"))
    records = [json.loads(line) for line in surveys.read_text().splitlines() if line.strip()]
    records[0]["comment"], records[1]["comment"] = PERSONAL, ORDINARY
    bad = {**records[2], "survey_id": "SV_BAD", "csat": "call 07700 900123", "comment": PERSONAL}
    lines = [json.dumps(record) for record in [*records, bad]] + [f"{{not json {PERSONAL}"]
    surveys.write_text("\n".join(lines) + "\n")

    (landing / "forms" / "broken_form.yml").write_text(
        f"form_id: broken\n# owner: {PERSONAL}\nversion: [not, a, number\n"
    )
    (landing / "quality_targets" / "refused.yml").write_text(
        json.dumps(
            [{"metric": PERSONAL, "segment": "all", "target": 1, "effective_from": "2026-06-01"}]
        )  # fmt: skip
    )


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("redaction")
    landing = workdir / "landing"
    run_qm("generate", "--out", str(landing), "--seed", "5", "--agents", "6", "--days", "14")
    _plant(landing)
    run = run_pipeline(landing, workdir, check=False)
    assert run.build.exists(), run.output[-3000:]
    return run


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
