"""The adapter interface: a vendor's export becomes landing-contract rows, written by one writer.

An adapter reads one source file at a time and returns a `Conversion`: rows per landing export
(names and columns from `orchestration.contract`). `write_conversion` lands them as JSONL
(`<landing>/<export>/<vendor>-<source file name>.jsonl`, the whole name so that `x.json` and
`x.jsonl` do not collide), byte-identical for the same input, so the ingest ledger's content
hash makes a re-import change nothing.

A file the adapter cannot convert faithfully raises `AdapterError`; nothing of that file is
written (a landing file is all of its source or nothing).
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from orchestration.contract import TABULAR_EXPORTS


class AdapterError(Exception):
    """A source file that cannot be converted. The first line names file, record and rule."""

    def __init__(self, path: Path | str, record: str | int | None, rule: str, detail: str = ""):
        self.path = Path(path)
        self.record = record
        self.rule = rule
        where = f"record {record}: " if isinstance(record, int) else f"{record}: " if record else ""
        message = f"{self.path}: {where}{rule}"
        super().__init__(message + (f"\n{detail}" if detail else ""))


@dataclass
class Conversion:
    """What one source file becomes: rows per landing export, plus notes for the person."""

    source: Path
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, export: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(export, []).append(row)


class Adapter(ABC):
    """A vendor's exports → landing contract. Subclasses set `name` (the registry key and the
    prefix of the landing files), `source_kinds` (what they read, for the docs) and `options`
    (keyword arguments they accept, with what each is for) and implement `convert_file`."""

    name: ClassVar[str]
    source_kinds: ClassVar[tuple[str, ...]]
    options: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def convert_file(self, path: Path) -> Conversion:
        """Convert one source file, or raise `AdapterError` naming file, record and rule.
        One file at a time, so a rejected file does not stop the others."""

    def convert(self, path: Path) -> Conversion:
        """`convert_file`, with a source whose shape the adapter does not expect (a field
        that should be an object holding a string, a list where a record should be) refused
        as an `AdapterError` naming the file, never a traceback."""
        try:
            return self.convert_file(path)
        except (KeyError, TypeError, AttributeError, IndexError, ValueError) as error:
            if isinstance(error, AdapterError):
                raise
            raise AdapterError(
                path, None, f"unexpected structure ({type(error).__name__}: {error})"
            ) from error


def read_text(path: Path) -> str:
    """A source file's text (UTF-8); undecodable bytes refuse the file, naming the byte."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise AdapterError(
            path, None, f"not UTF-8: byte {error.start} cannot be decoded ({error.reason})"
        ) from None


@dataclass(frozen=True)
class WrittenFile:
    export: str
    path: Path
    rows: int
    unchanged: bool  # the same content was already there (a re-import)


def _ordered(export: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row in the contract's column order; a column the contract lacks is an adapter bug."""
    columns = TABULAR_EXPORTS[export].column_names
    unknown = sorted(set(row) - set(columns))
    if unknown:
        raise ValueError(f"{export}: columns {unknown} are not in the landing contract")
    return {name: row[name] for name in columns if name in row}


def restatement_files(export: str, rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split rows so no file repeats a key: the n-th row of a key goes to the n-th file.

    Ingest quarantines a key's later copy within one file as `duplicate_key`, while across files
    a later copy is a restatement (the warehouse keeps the latest `updated_at`). So several
    updates of one contact land as successive files and every update is kept.
    """
    key = TABULAR_EXPORTS[export].key
    files: list[list[dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        identity = tuple(row.get(name) for name in key)
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        if occurrence == len(files):
            files.append([])
        files[occurrence].append(row)
    return files


def _already_landed(path: Path, content: bytes) -> bool:
    """True when the same content is there. Landing files are immutable: different content
    under the same name is refused."""
    if not path.exists():
        return False
    if path.read_bytes() == content:
        return True
    raise FileExistsError(
        f"{path}: already landed with different content; landing files are immutable"
        " (rename the source file to land a new version)"
    )


def write_conversion(conversion: Conversion, landing: Path, vendor: str) -> list[WrittenFile]:
    """Land a conversion as `<landing>/<export>/<vendor>-<source name>[.restated-N].jsonl`.

    Every target is checked before any is written, so a refused file lands nothing; each file
    appears whole (written aside, then renamed) for a sensor watching the landing folder.
    """
    planned: list[tuple[str, Path, int, bytes]] = []
    for export in sorted(conversion.rows):
        for number, rows in enumerate(restatement_files(export, conversion.rows[export]), 1):
            suffix = "" if number == 1 else f".restated-{number}"
            path = Path(landing) / export / f"{vendor}-{conversion.source.name}{suffix}.jsonl"
            content = "".join(
                json.dumps(_ordered(export, row), ensure_ascii=False) + "\n" for row in rows
            ).encode("utf-8")
            planned.append((export, path, len(rows), content))
    unchanged = [_already_landed(path, content) for _, path, _, content in planned]
    written: list[WrittenFile] = []
    for (export, path, rows, content), same in zip(planned, unchanged, strict=True):
        if not same:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.partial")
            temporary.write_bytes(content)
            os.replace(temporary, path)
        written.append(WrittenFile(export, path, rows, same))
    return written
