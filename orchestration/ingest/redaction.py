"""Personal data in free text, replaced by typed tokens before any table stores it.

Card numbers become `[CARD]`, national identity numbers `[ID]`, e-mail addresses `[EMAIL]`
and phone numbers `[PHONE]`. The rules favour privacy where a number is ambiguous in a way
a person would recognise (a card read out digit by digit with one digit misheard is still a
card), and keep ordinary numbers (order ids, amounts, times, dates, quantities) that carry
no identity. What they catch and what they miss is written down in the README section
"Personal data redaction".

Speed: a column is scanned once with RE2 (`pyarrow.compute.match_substring_regex`) for
the few rows that could hold personal data (an `@`, six or more digits close together,
a run of spoken digits, "at <word> dot <word>"); only those rows go through the Python
rules, which need look-behinds and Luhn / digit-count callbacks that RE2 cannot express.
`redact_text` applies the same candidate test first, so one value and a column always agree.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

CARD, ID, EMAIL, PHONE = "[CARD]", "[ID]", "[EMAIL]", "[PHONE]"

DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_WORD = "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
_REPEAT_WORD = "double|triple"

# Rows that may hold personal data; written for RE2 and Python alike (no look-arounds).
# Every rule below needs one of these, so a row without any is left as it is.
CANDIDATE_PATTERN = (
    r"@"
    r"|\d(?:[ \-.()/,]{0,3}\d){5,}"
    rf"|(?i:\b(?:{_DIGIT_WORD}|{_REPEAT_WORD})\b"
    rf"(?:[\s,;\-]+(?:{_DIGIT_WORD}|{_REPEAT_WORD}|\d+)\b){{5,}})"
    r"|(?i:\bat\s+[a-z0-9\-]+(?:\s+dot\s+|\.)[a-z0-9])"
)
_CANDIDATE = re.compile(CANDIDATE_PATTERN)

# Written e-mail addresses, and spoken ones ending in a known top-level domain.
_TLD = "com|org|net|edu|gov|io|co|uk|us|ca|de|fr|es|it|nl|ie|au|info|biz|me"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_SPOKEN_DOT = r"(?:\s+dot\s+|\.)"
_SPOKEN_EMAIL = re.compile(
    r"(?i)\b[a-z0-9]+(?:(?:\s+(?:dot|underscore|dash|hyphen)\s+|[._\-])[a-z0-9]+)*"
    rf"\s+at\s+[a-z0-9\-]+(?:{_SPOKEN_DOT}[a-z0-9\-]+)*?{_SPOKEN_DOT}(?:{_TLD})\b"
)

# US social security numbers: ddd-dd-dddd or ddd dd dddd (same separator), without the
# area, group and serial numbers the SSA never issues (000, 666, 9xx; 00; 0000).
_SSN = re.compile(
    r"(?<![\w\-./])(?!000|666|9\d\d)\d{3}([ \-])(?!00)\d{2}\1(?!0000)\d{4}(?![\w]|[\-./]\d)"
)
# Nine digits in any grouping right after a cue word ("social security", "SSN").
_SSN_CUE = r"(?:social\s+security|social\s+insurance|ssn|s\.s\.n\.?|ss#|tax\s+id|tin)"
_SSN_AFTER_CUE = re.compile(
    rf"(?i)(\b{_SSN_CUE}(?:\s+(?:number|no\.?|#))?\W{{1,3}}(?:(?:is|it's|its|was|:)\W+)?)"
    r"(\d{3}[ \-.]?\d{2}[ \-.]?\d{4})(?![\w]|[\-./]\d)"
)
# UK National Insurance numbers: AB 12 34 56 C (prefix letters as HMRC allocates them).
_NI = re.compile(
    r"(?i)(?<![\w])(?!bg|gb|nk|kn|tn|nt|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]"
    r"[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[a-d](?!\w)"
)

# Digit groups joined by single spaces, dashes or dots: where written card numbers hide.
_DIGIT_RUN = re.compile(r"(?<!\w)\d+(?:[ \-.]\d+)*(?!\w)")
_DIGIT_GROUP = re.compile(r"\d+")

# Phones. International: + and 7–15 digits. 00-prefixed: 10–15 digits. National with a
# trunk 0 (UK 07700 900123, 020 7946 0018): 10–11 digits. North American 3-3-4 forms.
_BEFORE_NUMBER = r"(?<![\w\-./+])"
_AFTER_NUMBER = r"(?![\w]|[\-./]\d)"
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\s?(?:[ \-.()]{0,2}\d){7,15}(?!\d)")
_DOUBLE_ZERO = re.compile(rf"{_BEFORE_NUMBER}00[1-9](?:[ \-.]?\d){{7,12}}{_AFTER_NUMBER}")
_TRUNK = re.compile(
    rf"{_BEFORE_NUMBER}(?:\(0\d{{1,4}}\)|0\d{{1,4}})[ \-]?\d{{3,4}}(?:[ \-]?\d{{3,4}})?"
    rf"{_AFTER_NUMBER}"
)
_NORTH_AMERICAN = re.compile(
    rf"{_BEFORE_NUMBER}(?:1[ \-.])?(?:\(\d{{3}}\)[ \-.]?|\d{{3}}[ \-.])\d{{3}}[ \-.]\d{{4}}"
    rf"{_AFTER_NUMBER}"
)
# Ten or eleven bare digits right after a phone cue ("call me on 5551234567").
_PHONE_CUE = (
    r"(?:phone|mobile|cell|cellphone|tel|telephone|landline"
    r"|call\s+me|reach\s+me|text\s+me|my\s+number)"
)
_PHONE_AFTER_CUE = re.compile(rf"(?i)(\b{_PHONE_CUE}\b(?:\W+\w+){{0,3}}?\W+)(\d{{10,11}})(?!\w)")

# Spoken digits: words, "double"/"triple" before a digit, and numerals between them.
_SPOKEN_TOKEN = rf"(?:(?:{_REPEAT_WORD})\s+(?:{_DIGIT_WORD}|\d)\b|(?:{_DIGIT_WORD})\b|\d+)"
_SPOKEN_RUN = re.compile(
    rf"(?i)(?<![\w\-]){_SPOKEN_TOKEN}(?:(?:\s*[,;\-]\s*|\s+){_SPOKEN_TOKEN})*(?![\w\-])"
)
_SPOKEN_PART = re.compile(rf"(?i)({_REPEAT_WORD})\s+({_DIGIT_WORD}|\d)\b|({_DIGIT_WORD})\b|(\d+)")
_CUE_BEFORE_SPOKEN = re.compile(rf"(?i)\b{_SSN_CUE}\b[^.?!]{{0,40}}$")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check that every payment card number passes."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digit_count(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _redact_written_cards(match: re.Match) -> str:
    """Within a run of digit groups, the longest Luhn-valid 13–19 digit span from the left
    that starts and ends on group boundaries is a card (so a card followed by an expiry date
    or preceded by another number is still found)."""
    run = match.group(0)
    groups = [(group.start(), group.end()) for group in _DIGIT_GROUP.finditer(run)][:80]
    if all(end - start == 1 for start, end in groups):
        return run  # numerals one by one are read-out digits: see _redact_spoken
    pieces, cursor, first = [], 0, 0
    while first < len(groups):
        found = None
        for last in range(len(groups) - 1, first - 1, -1):
            digits = "".join(run[start:end] for start, end in groups[first : last + 1])
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                found = last
                break
        if found is None:
            first += 1
            continue
        pieces += [run[cursor : groups[first][0]], CARD]
        cursor = groups[found][1]
        first = found + 1
    return "".join(pieces) + run[cursor:]


def _spoken_digits(run: str) -> tuple[str, bool]:
    """The digits a spoken run stands for, and whether any digit was a word (or the run is
    numerals one by one, as speech recognisers often write read-out numbers)."""
    digits, spoken = [], False
    for part in _SPOKEN_PART.finditer(run):
        repeat, repeated, word, numeral = part.groups()
        if repeat:
            digit = DIGIT_WORDS.get(repeated.lower(), repeated)
            digits.append(digit * (2 if repeat.lower() == "double" else 3))
            spoken = True
        elif word:
            digits.append(DIGIT_WORDS[word.lower()])
            spoken = True
        else:
            digits.append(numeral)
    numerals_one_by_one = all(len(piece) == 1 for piece in digits)
    return "".join(digits), spoken or numerals_one_by_one


def _redact_spoken(match: re.Match) -> str:
    """Read-out digits: 12 or more are card-like (Luhn is not required: one misheard digit
    breaks it, and nobody reads out such a number unless it is a card or account), 10–11 a
    phone, 9 after a social security cue an ID."""
    digits, spoken = _spoken_digits(match.group(0))
    if not spoken:
        return match.group(0)
    if len(digits) >= 12:
        return CARD
    if len(digits) >= 10:
        return PHONE
    if len(digits) == 9 and _CUE_BEFORE_SPOKEN.search(match.string[: match.start()]):
        return ID
    return match.group(0)


def _when_digits(low: int, high: int, token: str):
    def replace(match: re.Match) -> str:
        return token if low <= _digit_count(match.group(0)) <= high else match.group(0)

    return replace


def redact_text(text: str | None) -> str | None:
    """One value with its personal data replaced by `[CARD]`, `[ID]`, `[EMAIL]`, `[PHONE]`."""
    if text is None or not _CANDIDATE.search(text):
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _SPOKEN_EMAIL.sub(EMAIL, text)
    text = _INTERNATIONAL.sub(_when_digits(7, 15, PHONE), text)
    text = _DOUBLE_ZERO.sub(_when_digits(10, 15, PHONE), text)
    text = _DIGIT_RUN.sub(_redact_written_cards, text)
    text = _SSN_AFTER_CUE.sub(lambda match: match.group(1) + ID, text)
    text = _SSN.sub(ID, text)
    text = _NI.sub(ID, text)
    text = _TRUNK.sub(_when_digits(10, 11, PHONE), text)
    text = _NORTH_AMERICAN.sub(PHONE, text)
    text = _PHONE_AFTER_CUE.sub(lambda match: match.group(1) + PHONE, text)
    return _SPOKEN_RUN.sub(_redact_spoken, text)


def _redact_chunk(chunk: pa.Array) -> pa.Array:
    if chunk.type != pa.string():
        chunk = chunk.cast(pa.string())
    candidates = pc.fill_null(pc.match_substring_regex(chunk, CANDIDATE_PATTERN), False)
    positions = pc.indices_nonzero(candidates)
    if len(positions) == 0:
        return chunk
    redacted = [redact_text(value) for value in pc.take(chunk, positions).to_pylist()]
    return pc.replace_with_mask(chunk, candidates, pa.array(redacted, type=pa.string()))


def redact_array(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column with personal data replaced; only candidate rows reach Python."""
    if isinstance(array, pa.ChunkedArray):
        return pa.chunked_array([_redact_chunk(chunk) for chunk in array.chunks], pa.string())
    return _redact_chunk(array)


def redact_columns(table: pa.Table, names: list[str]) -> pa.Table:
    """The table with the named text columns redacted (absent names are ignored)."""
    for name in names:
        if name in table.column_names:
            index = table.column_names.index(name)
            table = table.set_column(index, name, redact_array(table.column(name)))
    return table
