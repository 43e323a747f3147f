"""The privacy scan skips values shaped like identifiers (privacy.IDENTIFIER_SHAPE) without
asking the redaction's rules: no rule may ever change such a value. Held here against the
rules themselves, with the digit runs the rules look for (Luhn-valid card numbers, phone and
national id forms) and their cue words glued into identifier parts."""

import random
import re

import duckdb

from orchestration.assets.privacy import IDENTIFIER_SHAPE
from orchestration.ingest.redaction import redact_text

# Digit runs every rule would redact if they stood apart, and words the rules key on.
DIGIT_RUNS = [
    "4111111111111111",  # Visa test card, Luhn-valid
    "4539148803436467",
    "078051120",  # an SSN's digits
    "447700900123",
    "00447700900123",
    "02079460018",
    "5551234567",
    "123456",
    "0",
]
WORDS = ["INT", "CU", "A", "auto", "tin", "ssn", "phone", "call_me", "at", "dot", "o", "oh",
         "one", "double", "AB", "QQ", "customer_service", "_"]  # fmt: skip


def identifiers(count: int, seed: int = 7) -> list[str]:
    chooser = random.Random(seed)
    values = []
    for _ in range(count):
        parts = [
            chooser.choice(WORDS) + chooser.choice(["", *DIGIT_RUNS])
            for _ in range(chooser.randint(1, 4))
        ]
        values.append(chooser.choice([":", "|"]).join(parts))
    return values


def test_no_redaction_rule_changes_a_value_of_the_identifier_shape():
    values = identifiers(5000) + [
        "INT00344799",
        "auto:INT00344799:customer_service",
        "qa_score|day|agent|A0012",
        "AB123456",  # a UK NI number's letters and digits without its final letter
        "card4111111111111111",
        "phone|X5551234567",
        "tin:A078051120",
    ]
    for value in values:
        assert re.fullmatch(IDENTIFIER_SHAPE, value), value
        assert redact_text(value) == value, value


def test_duckdb_reads_the_shape_as_python_does():
    values = identifiers(200) + [
        "AB123456C",  # a NI number: not the shape (a letter after the digits)
        "INT 00344799",
        "a@b.co",
        "+447700900123",
        "4111-1111-1111-1111",
        "12345678",
        "",
    ]
    with duckdb.connect() as connection:
        matched = connection.execute(
            "select value, regexp_full_match(value, $shape) from unnest($values) as t(value)",
            {"shape": IDENTIFIER_SHAPE, "values": values},
        ).fetchall()
    assert {value: bool(re.fullmatch(IDENTIFIER_SHAPE, value)) for value in values} == dict(matched)
    assert not any(flag for value, flag in matched if value in values[200:])


def test_values_outside_the_shape_that_hold_personal_data_are_still_redacted():
    for value in ("AB123456C", "INT:4111 1111 1111 1111", "x|a@b.co", "phone|5551234567"):
        assert not re.fullmatch(IDENTIFIER_SHAPE, value)
        assert redact_text(value) != value, value
