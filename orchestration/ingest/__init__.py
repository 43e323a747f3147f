"""Landing → raw: contract checks, file ledger, quarantine. Plain functions, no Dagster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.contract import (
    TABULAR_EXPORTS,
    TABULAR_FILE_SUFFIXES,
    YAML_EXPORTS,
    YAML_FILE_SUFFIXES,
)
from orchestration.ingest import ledger
from orchestration.ingest.tabular import load_file
from orchestration.ingest.warehouse_tables import ensure_raw_schema
from orchestration.ingest.yaml_exports import load_yaml_file

# Exports in an order where every reference check finds what it refers to.
INGEST_ORDER = (
    "forms",
    "quality_targets",
    "agents",
    "interactions",
    "transcripts",
    "evaluations",
    "evaluation_answers",
    "csat_surveys",
    "coaching_sessions",
    "process_changes",
)


class IngestError(RuntimeError):
    """A file could not be ingested for a reason other than its content (the message starts
    with the file); nothing of it was kept."""


@dataclass
class ExportReport:
    export: str
    files: list[ledger.FileOutcome] = field(default_factory=list)
    # Files in the export's folder that are not of its types: never ingested, reported.
    ignored: list[str] = field(default_factory=list)

    @property
    def new_files(self) -> list[ledger.FileOutcome]:
        return [outcome for outcome in self.files if not outcome.skipped_as_known]

    def warnings(self) -> list[str]:
        """One line per file a person should look at: ignored, empty or unreadable."""
        lines = [
            outcome.line()
            for outcome in self.new_files
            if outcome.is_empty or outcome.unreadable is not None
        ]
        return lines + self.ignored

    def total(self, attribute: str) -> int:
        return sum(getattr(outcome, attribute) for outcome in self.new_files)


def ingest_export(
    connection: duckdb.DuckDBPyConnection,
    export: str,
    landing_dir: Path,
    progress: Callable[[str], None] | None = None,
    include: Callable[[Path], bool] | None = None,
) -> ExportReport:
    """Ingest every new file of one export (of those `include` accepts, when given: a
    partition's days); files already in the ledger change nothing."""
    ensure_raw_schema(connection)
    connection.execute("set TimeZone = 'UTC'")
    if export in YAML_EXPORTS:
        suffixes, loader = YAML_FILE_SUFFIXES, load_yaml_file
    elif export in TABULAR_EXPORTS:
        suffixes, loader = TABULAR_FILE_SUFFIXES, load_file
    else:
        raise ValueError(f"unknown export {export!r}; expected one of {', '.join(INGEST_ORDER)}")
    report = ExportReport(export)
    for path in ledger.ignored_files(landing_dir, export, suffixes):
        report.ignored.append(
            f"{ledger.relative_name(landing_dir, path)}: ignored, {path.suffix or 'no suffix'}"
            f" is not a file type of {export} (expected {', '.join(suffixes)})"
        )
        if progress:
            progress(report.ignored[-1])
    for path in ledger.landed_files(landing_dir, export, suffixes):
        if include is not None and not include(path):
            continue
        try:
            outcome = loader(connection, export, path, landing_dir)
        except Exception as error:  # say which file, first; the cause stays chained
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise IngestError(
                f"{ledger.relative_name(landing_dir, path)}: not ingested"
                f" ({type(error).__name__}: {first})"
            ) from error
        report.files.append(outcome)
        if progress:
            progress(outcome.line())
    return report
