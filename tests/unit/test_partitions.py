"""Which daily partition a landed file belongs to, and the range of days a run covers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from dagster._core.storage import tags as dagster_tags

from orchestration.partitions import FIRST_DAY, Days, daily_partitions, file_day, named_day

TODAY = dt.datetime.now(dt.UTC).date()


def landed(folder: Path, name: str, modified: dt.datetime | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("interaction_id\nI1\n")
    if modified is not None:
        seconds = modified.replace(tzinfo=dt.UTC).timestamp()
        os.utime(path, (seconds, seconds))
    return path


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("interactions_2026-11-20.csv", dt.date(2026, 11, 20)),
        ("2026-11-20.parquet", dt.date(2026, 11, 20)),
        ("export-2026-11-20T06-00-00.jsonl", dt.date(2026, 11, 20)),
        # the first valid date; an impossible one is passed over
        ("restated_2026-11-19_of_2026-06-01.csv", dt.date(2026, 11, 19)),
        ("batch_2026-13-01_2026-11-02.csv", dt.date(2026, 11, 2)),
        # not a date: digits run on either side, or no dashes
        ("id12026-11-201.csv", None),
        ("interactions_20261120.csv", None),
        ("interactions_0001.csv", None),
    ],
)
def test_the_day_in_a_file_name(name, day):
    assert named_day(name) == day


def test_a_named_day_wins_over_the_day_the_file_landed(tmp_path):
    path = landed(tmp_path, "interactions_2026-06-01.csv", dt.datetime(2026, 11, 2, 12, 0))
    assert file_day(path) == dt.date(2026, 6, 1)


def test_an_unnamed_file_belongs_to_the_utc_day_it_was_last_modified(tmp_path):
    late = landed(tmp_path, "a.csv", dt.datetime(2026, 11, 2, 23, 59, 30))
    early = landed(tmp_path, "b.csv", dt.datetime(2026, 11, 3, 0, 0, 30))
    assert (file_day(late), file_day(early)) == (dt.date(2026, 11, 2), dt.date(2026, 11, 3))


def test_days_outside_the_partitions_count_as_the_first_or_today(tmp_path):
    old = landed(tmp_path, "interactions_2019-12-31.csv")
    future = landed(tmp_path, f"interactions_{TODAY.year + 1}-01-01.csv")
    assert (file_day(old), file_day(future)) == (FIRST_DAY, TODAY)


def test_the_partitions_run_from_the_first_day_to_today_in_utc():
    keys = daily_partitions.get_partition_keys()
    assert (keys[0], keys[-1]) == (FIRST_DAY.isoformat(), TODAY.isoformat())
    assert daily_partitions.timezone == "UTC"


def test_a_run_over_every_landed_file_starts_at_the_earliest_file_and_ends_today(tmp_path):
    landed(tmp_path, "interactions/interactions_2026-06-03.csv")
    landed(tmp_path, "transcripts/t.csv", dt.datetime(2026, 5, 30, 8, 0))
    # not a daily export: read in every run, its day does not widen the range
    landed(tmp_path, "agents/agents_2025-01-01.csv")
    days = Days.landed(tmp_path)
    assert days == Days(dt.date(2026, 5, 30), TODAY)
    assert days.holds(tmp_path / "interactions/interactions_2026-06-03.csv")
    assert not Days(dt.date(2026, 6, 4), TODAY).holds(
        tmp_path / "interactions/interactions_2026-06-03.csv"
    )


def test_an_empty_landing_runs_today_alone(tmp_path):
    assert Days.landed(tmp_path) == Days(TODAY, TODAY)


def test_the_tags_are_those_of_a_dagster_range_run():
    tags = Days(dt.date(2026, 11, 1), dt.date(2026, 11, 3)).tags()
    assert tags == {
        dagster_tags.ASSET_PARTITION_RANGE_START_TAG: "2026-11-01",
        dagster_tags.ASSET_PARTITION_RANGE_END_TAG: "2026-11-03",
    }


def test_days_given_by_hand():
    assert Days.parse("2026-11-01") == Days(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert Days.parse("2026-11-01:2026-11-03") == Days(dt.date(2026, 11, 1), dt.date(2026, 11, 3))
    for text, message in [
        ("2026-11", "expected YYYY-MM-DD"),
        ("2026-11-03:2026-11-01", "the first day is after the last"),
        ("2019-12-31", "partitions from 2020-01-01 to today"),
        (f"{TODAY + dt.timedelta(days=1)}", "partitions from 2020-01-01 to today"),
    ]:
        with pytest.raises(ValueError, match=message):
            Days.parse(text)
