"""Daily partitions of the exports that arrive every day: interactions, transcripts,
evaluations and evaluation_answers.

The ingest reads landed files, so a partition is a set of files: a file belongs to the day
in its name (the first `YYYY-MM-DD` in it: `interactions_2026-11-26.csv`), else to the UTC
day it landed (its modification time; a landed file is never modified, by the contract).
Days before the first partition count as the first, days after today as today.

Materialising a day (or a range of days) ingests the new files of those days only.
`qm run`, the landing sensor and the daily schedule run the whole job over the range from
the day of the earliest file in question to today (`Days.landed`), so every new file is read,
as before partitions; the exports that do not arrive daily (rosters, forms, surveys,
coaching, targets, process changes) are not partitioned and read every new file of theirs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.contract import TABULAR_FILE_SUFFIXES
from orchestration.ingest import ledger

DAILY_EXPORTS = ("interactions", "transcripts", "evaluations", "evaluation_answers")
FIRST_DAY = dt.date(2020, 1, 1)
# The date in a file's name: YYYY-MM-DD, not inside a longer run of digits.
_NAMED_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# The tags of a run over a range of partitions (Dagster's single-run backfills set them).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=FIRST_DAY.isoformat(),
    timezone="UTC",
    # today's partition exists: files land during the day they are named after
    end_offset=1,
)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def named_day(name: str) -> dt.date | None:
    """The first valid YYYY-MM-DD in a file name, or None."""
    for match in _NAMED_DAY.finditer(name):
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:  # 2026-13-01: not a date, look further
            continue
    return None


def file_day(path: Path) -> dt.date:
    """The day of the partition a landed file belongs to."""
    day = named_day(path.name)
    if day is None:
        day = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    return min(max(day, FIRST_DAY), today())


@dataclass(frozen=True)
class Days:
    """A range of partition days, both ends included."""

    first: dt.date
    last: dt.date

    @classmethod
    def from_range(cls, keys: dg.PartitionKeyRange) -> Days:
        return cls(dt.date.fromisoformat(keys.start), dt.date.fromisoformat(keys.end))

    @classmethod
    def of_files(cls, paths: Iterable[Path]) -> Days:
        """From the earliest file's day to today; today alone when there is no file."""
        days = [file_day(path) for path in paths]
        return cls(min(days, default=today()), today())

    @classmethod
    def parse(cls, text: str) -> Days:
        """`YYYY-MM-DD` (one day) or `FIRST:LAST`, within the partitions (2020-01-01 to today)."""
        first, _, last = text.partition(":")
        try:
            days = cls(dt.date.fromisoformat(first), dt.date.fromisoformat(last or first))
        except ValueError:
            raise ValueError(
                f"expected YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD, got {text!r}"
            ) from None
        if days.first > days.last:
            raise ValueError(f"{text!r}: the first day is after the last")
        if days.first < FIRST_DAY or days.last > today():
            raise ValueError(
                f"{text!r}: the days are partitions from {FIRST_DAY.isoformat()} to today"
                f" ({today().isoformat()}, UTC)"
            )
        return days

    @classmethod
    def landed(cls, landing_dir: Path) -> Days:
        """The days of a run that reads every landed file."""
        return cls.of_files(daily_files(landing_dir))

    def holds(self, path: Path) -> bool:
        return self.first <= file_day(path) <= self.last

    def tags(self) -> dict[str, str]:
        """The run tags that make a run of the job materialise these partitions."""
        return {
            RANGE_START_TAG: self.first.isoformat(),
            RANGE_END_TAG: self.last.isoformat(),
        }

    def describe(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def daily_files(landing_dir: Path) -> list[Path]:
    """Every file the ingest would read from the daily exports' folders."""
    return [
        path
        for export in DAILY_EXPORTS
        for path in ledger.landed_files(landing_dir, export, TABULAR_FILE_SUFFIXES)
    ]
