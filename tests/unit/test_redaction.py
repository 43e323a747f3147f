"""Redaction of personal data in free text: each kind in its written and spoken forms is
replaced by its token, ordinary numbers survive, and the column function agrees with the
single-value one. Card numbers below are the issuers' published test numbers (Visa
4111 1111 1111 1111, Mastercard 5555 5555 5555 4444, Amex 3782 822463 10005, Discover
6011 1111 1111 1117); the Luhn-invalid ones change the last digit of a valid one."""

from __future__ import annotations

import pyarrow as pa
import pytest

from orchestration.ingest.redaction import luhn_valid, redact_array, redact_text

CARDS = [
    ("My card is 4111 1111 1111 1111 thanks", "My card is [CARD] thanks"),
    ("card 4111-1111-1111-1111.", "card [CARD]."),
    ("4111.1111.1111.1111", "[CARD]"),
    ("number:5555555555554444", "number:[CARD]"),
    ("amex 3782 822463 10005 exp 12/25", "amex [CARD] exp 12/25"),
    ("Discover 6011 1111 1111 1117, CVV 123", "Discover [CARD], CVV 123"),
    ("ref 2026 then 4111 1111 1111 1111", "ref 2026 then [CARD]"),
    # read out digit by digit, as speech recognisers write it
    ("four one one one one one one one one one one one one one one one", "[CARD]"),
    ("Four one one one, double one, one one, one one one one, triple one one", "[CARD]"),
    (
        "it's five five five five, five five five five, five five five five, four four four four",
        "it's [CARD]",
    ),  # fmt: skip
    ("6 0 1 1 1 1 1 1 1 1 1 1 1 1 1 7", "[CARD]"),
    # read out with a misheard digit: fails Luhn, still card-like (privacy first)
    ("four one one one one one one one one one one one one one one two", "[CARD]"),
    ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2", "[CARD]"),
]

IDS = [
    ("ssn 123-45-6789", "ssn [ID]"),
    ("SSN is 078 05 1120.", "SSN is [ID]."),
    ("my social security number is 123456789", "my social security number is [ID]"),
    (
        "social security is one two three four five six seven eight nine",
        "social security is [ID]",
    ),  # fmt: skip
    ("NI number AB 12 34 56 C, also ab123456c", "NI number [ID], also [ID]"),
    ("national insurance JG103759A please", "national insurance [ID] please"),
]

EMAILS = [
    ("mail jane.doe+x@example.co.uk please", "mail [EMAIL] please"),
    ("Contact: J_Smith99@mail-server.example.org.", "Contact: [EMAIL]."),
    ("it's jane dot doe at example dot com", "it's [EMAIL]"),
    ("jane.doe at example.com", "[EMAIL]"),
]

PHONES = [
    ("call 07700 900123 today", "call [PHONE] today"),
    ("07700900123", "[PHONE]"),
    ("office 020 7946 0018 or (020) 7946 0018", "office [PHONE] or [PHONE]"),
    ("(555) 123-4567", "[PHONE]"),
    ("555-123-4567", "[PHONE]"),
    ("555.123.4567", "[PHONE]"),
    ("+1 555 123 4567", "[PHONE]"),
    ("+1 (555) 123-4567", "[PHONE]"),
    ("1-800-555-0199", "[PHONE]"),
    ("+44 20 7946 0018, 0044 20 7946 0018", "[PHONE], [PHONE]"),
    ("+33 1 23 45 67 89", "[PHONE]"),
    ("call me on 5551234567", "call me on [PHONE]"),
    ("my number is oh seven seven oh oh, nine oh oh one two three", "my number is [PHONE]"),
    ("it's zero two zero seven nine four six double oh one eight", "it's [PHONE]"),
]

ORDINARY = [
    "order 12345678 is on its way",
    "ORD-2026-000123 was refunded",
    "order number 1234567890 and tracking 1Z999AA10123456784",
    "that's $1,234.56 in total",
    "£45.00 and 1 234,50 € and 12,345,678.90",
    "at 10:30 or 14:05:22",
    "on 2026-06-01, 01/06/2026 or 01.06.2026",
    "I ordered 250 units in 2026, ref 4821",
    "postcode SW1A 1AA, zip 90210",
    "I was on hold for 45 minutes, 3 times, about 100 pounds",
    "one two three, that's it",
    "Oh, one moment, I'll be right back",
    "4111111111111112 is not a card",  # Luhn-invalid, written
    "room 101, floor 3, extension 4455",
    "the version 2.0.1 update from 2025",
]


def _cases(cases):
    return [pytest.param(text, expected, id=text[:40]) for text, expected in cases]


@pytest.mark.parametrize(("text", "expected"), _cases(CARDS))
def test_card_numbers_become_card_token(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(IDS))
def test_national_ids_become_id_token(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(EMAILS))
def test_email_addresses_become_email_token(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(PHONES))
def test_phone_numbers_become_phone_token(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_survive(text):
    assert redact_text(text) == text


def test_luhn_check_agrees_with_published_test_numbers():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert luhn_valid("79927398713")  # the worked example of ISO/IEC 7812-1
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("79927398710")


def test_nine_bare_digits_without_a_cue_survive():
    assert redact_text("invoice 123456789 attached") == "invoice 123456789 attached"


def test_null_stays_null():
    assert redact_text(None) is None
    result = redact_array(pa.array([None, "call 07700 900123", None], type=pa.string()))
    assert result.to_pylist() == [None, "call [PHONE]", None]


def test_column_and_single_value_agree():
    values = [text for text, _ in CARDS + IDS + EMAILS + PHONES] + ORDINARY + [None, ""]
    column = pa.chunked_array([pa.array(values[:20]), pa.array(values[20:])])
    redacted = redact_array(column)
    assert isinstance(redacted, pa.ChunkedArray)
    assert redacted.to_pylist() == [redact_text(value) for value in values]
    assert redact_array(pa.array(values)).to_pylist() == redacted.to_pylist()


def test_large_string_column_is_redacted_as_text():
    column = pa.array(["mail jane@example.com", None], type=pa.large_string())
    assert redact_array(column).to_pylist() == ["mail [EMAIL]", None]
