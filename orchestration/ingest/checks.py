"""Contract checks as SQL over a table of landed text values.

The checks run inside DuckDB, vectorised, in the order of `QUARANTINE_REASONS`: the first
failing rule names the row's quarantine reason, with a detail that names the column and
value. Parsing expressions are shared with the typed load so a value is parsed once, the
same way, for checking and for loading.
"""

from __future__ import annotations

from orchestration.contract import FALSE_WORDS, TRUE_WORDS, Column, Export

SQL_TYPES = {
    "text": "varchar",
    "integer": "bigint",
    "number": "double",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "date": "date",
    "list": "varchar[]",
}

PARSE_FAILURE_REASON = {
    "integer": "bad_number",
    "number": "bad_number",
    "boolean": "bad_boolean",
    "timestamp": "bad_timestamp",
    "date": "bad_date",
}


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(literal(word) for word in words)


def text_value(column: Column) -> str:
    """The landed value, trimmed, with '' as missing and the contract default applied."""
    value = f"nullif(trim({quote(column.name)}), '')"
    if column.default is not None:
        value = f"coalesce({value}, {literal(column.default)})"
    return value


def parsed_value(column: Column) -> str:
    """SQL that parses the landed text into the contract type, NULL when it cannot."""
    value = text_value(column)
    if column.kind == "text":
        return value
    if column.kind == "integer":
        # Plain digits (the value bigint gives back) skip the decimal parse, which costs
        # three times as much; anything else ('+4', '1.0', '1e3', '0x10') goes through it.
        plain = f"try_cast({value} as bigint)"
        return (
            f"case when cast({plain} as varchar) = {value} then {plain}"
            f" else try_cast(try_cast({value} as decimal(38, 6)) as bigint) end"
        )
    if column.kind == "number":
        return f"try_cast({value} as double)"
    if column.kind == "boolean":
        return (
            f"case when lower({value}) in ({_words(TRUE_WORDS)}) then true "
            f"when lower({value}) in ({_words(FALSE_WORDS)}) then false end"
        )
    if column.kind == "timestamp":
        return f"timezone('UTC', try_cast({value} as timestamptz))"
    if column.kind == "date":
        return (
            f"coalesce(try_cast({value} as date), "
            f"cast(timezone('UTC', try_cast({value} as timestamptz)) as date))"
        )
    if column.kind == "list":
        items = f"list_transform(string_split({value}, ';'), lambda item: trim(item))"
        return f"list_filter({items}, lambda item: item <> '')"
    raise ValueError(f"unknown column kind {column.kind}")


def _column_checks(column: Column) -> list[tuple[str, str, str]]:
    """(reason, condition on the parsed row, detail SQL) for one column."""
    name = quote(column.name)
    raw = f"landed__{column.name}"
    checks: list[tuple[str, str, str]] = []
    if column.required:
        checks.append(
            (
                "missing_required",
                f"nullif(trim({quote(raw)}), '') is null",
                literal(f"{column.name} is required but empty"),
            )
        )
    if column.kind in PARSE_FAILURE_REASON:
        bad_integer = ""
        if column.kind == "integer":
            bad_integer = (
                f" or (cast({name} as varchar) <> trim({quote(raw)})"
                f" and try_cast({quote(raw)} as decimal(38, 6)) <> {name})"
            )
        checks.append(
            (
                PARSE_FAILURE_REASON[column.kind],
                f"({name} is null and {quote(raw)} is not null){bad_integer}",
                f"'{column.name} is not a valid {column.kind}: ' || {quote(raw)}",
            )
        )
    if column.domain:
        checks.append(
            (
                "invalid_enum",
                f"{name} not in ({_words(column.domain)})",
                f"'{column.name} must be one of {', '.join(column.domain)}; got ' || {name}",
            )
        )
    if column.minimum is not None:
        checks.append(
            (
                "out_of_range",
                f"{name} < {column.minimum}",
                f"'{column.name} must be >= {column.minimum:g}; got ' || {name}",
            )
        )
    if column.maximum is not None:
        checks.append(
            (
                "out_of_range",
                f"{name} > {column.maximum}",
                f"'{column.name} must be <= {column.maximum:g}; got ' || {name}",
            )
        )
    return checks


def ordered_checks(export: Export) -> list[tuple[str, str, str]]:
    """Every row check of an export, sorted by the precedence of its reason."""
    from orchestration.contract import QUARANTINE_REASONS

    checks = [check for column in export.columns for check in _column_checks(column)]
    checks += [(rule.reason, rule.violated_when, literal(rule.detail)) for rule in export.row_rules]
    return sorted(checks, key=lambda check: QUARANTINE_REASONS.index(check[0]))


def checked_rows_sql(export: Export, landed_relation: str, extra_columns: list[str]) -> str:
    """SQL selecting every landed row with its parsed values and its first failing row check.

    Duplicate keys are judged afterwards, over the whole file (`duplicate_key_update`).
    """
    parsed = ",\n        ".join(
        f"{parsed_value(column)} as {quote(column.name)}" for column in export.columns
    )
    landed_copies = ",\n        ".join(
        f"{quote(column.name)} as {quote('landed__' + column.name)}" for column in export.columns
    )
    extras = ", ".join(quote(name) for name in extra_columns)
    extras_sql = f"to_json(struct_pack({extras}))" if extra_columns else "null::json"
    checks = ordered_checks(export)
    reason_case = " ".join(f"when {cond} then {literal(reason)}" for reason, cond, _ in checks)
    detail_case = " ".join(f"when {cond} then {detail}" for _, cond, detail in checks)
    return f"""
    with parsed as (
      select
        _source_row,
        {landed_copies},
        {parsed},
        {extras_sql} as _extra
      from {landed_relation}
    )
    select *,
      case {reason_case or "when false then null"} end as quarantine_reason,
      case {detail_case or "when false then null"} end as quarantine_detail
    from parsed
    """


def duplicate_key_update(export: Export, checked_table: str) -> str:
    """UPDATE marking every later copy of a key as `duplicate_key`.

    Judged among rows that passed the row checks, so a bad first copy does not push a good
    second copy into quarantine; the first copy in the file (lowest `_source_row`) stays.
    Only the key and the row number go through the window, not the whole row.
    """
    key = ", ".join(quote(name) for name in export.key)
    return f"""
    update {checked_table} set quarantine_reason = 'duplicate_key',
      quarantine_detail = 'key ({", ".join(export.key)}) already appears earlier in this file'
    from (
      select _source_row from (
        select _source_row,
          row_number() over (partition by {key} order by _source_row) as key_occurrence
        from {checked_table}
        where quarantine_reason is null
      )
      where key_occurrence > 1
    ) as later_copy
    where {checked_table}._source_row = later_copy._source_row
    """
