"""The evaluation queue for people: the selected contacts of one queue week of
marts.mart_evaluation_queue, read from the published warehouse (read-only), for `qm queue`.

The sample itself (frame, quotas, inclusion probabilities, systematic selection) is drawn
in dbt (mart_evaluation_queue); this module only picks a week and the columns an evaluator
and an analyst need.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

# What an evaluator works from, and what an analyst needs to weight the scores: the flags
# that raised the contact's chance, its inclusion probability π and its weight 1/π.
QUEUE_COLUMNS = """
    strftime(queue_week_start, '%G-W%V') as queue_week,
    strftime(week_start, '%G-W%V') as contacts_week,
    agent_id,
    team_id,
    interaction_id,
    channel,
    interaction_date,
    coalesce(raised_by, '') as flags,
    inclusion_probability,
    sampling_weight
"""


class QueueError(Exception):
    """What the user asked for cannot be written; the message says why and what to do."""


def parse_period(text: str) -> dt.date | None:
    """`next` (None: the latest queue week) or an ISO week `YYYY-Www` (its Monday)."""
    if text == "next":
        return None
    match = ISO_WEEK.match(text)
    if match:
        try:
            return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    raise ValueError(f"expected `next` or an ISO week such as 2026-W14, got {text!r}")


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def read_queue(warehouse: Path, week: dt.date | None) -> tuple[pd.DataFrame, dt.date]:
    """The selected contacts of the queue week starting `week` (None: the latest), ordered
    by agent, channel and day, and that week's Monday."""
    import duckdb

    if not warehouse.is_file():
        raise QueueError(
            f"no warehouse at {warehouse}. Build one with `qm run` (sample exports:"
            " `qm generate`), or point --warehouse / QM_WAREHOUSE at a published warehouse."
        )
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            weeks = [
                row[0]
                for row in connection.execute(
                    "select distinct queue_week_start from marts.mart_evaluation_queue order by 1"
                ).fetchall()
            ]
        except duckdb.CatalogException:
            raise QueueError(
                f"the warehouse {warehouse} has no marts.mart_evaluation_queue (built by an"
                " older version): rebuild it with `qm run`."
            ) from None
        if not weeks:
            raise QueueError(
                f"the warehouse {warehouse} holds no evaluation queue yet: no complete week of"
                " contacts (a week is complete once the warehouse holds contacts of its Sunday)."
            )
        chosen = weeks[-1] if week is None else week
        if chosen not in weeks:
            raise QueueError(
                f"no evaluation queue for {iso_week(chosen)} in {warehouse}: it holds the queue"
                f" weeks {iso_week(weeks[0])} to {iso_week(weeks[-1])} (the week evaluators"
                " work the queue, one after the contacts' week)."
            )
        rows = connection.execute(
            f"select {QUEUE_COLUMNS} from marts.mart_evaluation_queue"
            " where queue_week_start = ? and is_selected"
            " order by agent_id, channel, interaction_date, frame_order",
            [chosen],
        ).df()
    return rows, chosen
