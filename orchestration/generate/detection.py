"""How well the attention list (marts.mart_spc_attention) finds the special causes the
generator injected (ground_truth.json): the measure `make bench` reports and the attention
tests assert.

A cause is found when an item among the first `top` of the process-level list moves one of
the cause's metrics, in a window that overlaps the cause, for a segment that holds the
cause (its own, its team's site, its channel, the whole centre) or one under which such a
segment is folded (the same change, seen where it is narrowest). A listed item is true when
it is such an item for some cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

ITEMS = """
    select item.series_id, item.rank, item.metric, coalesce(item.metric_detail, '') as detail,
        item.segment_kind, item.segment_value, item.window_start, item.window_end,
        list(folded.segment_kind || ':' || folded.segment_value) as folded_segments,
    from marts.mart_spc_attention as item
    left join marts.mart_spc_attention as folded
        on folded.folded_under_series_id = item.series_id
    where item.level = 'process' and item.rank is not null
    group by all
    order by item.rank
"""


@dataclass
class Detection:
    causes: int
    found: int
    items: int
    true_items: int

    @property
    def recall(self) -> float:
        return self.found / self.causes if self.causes else 1.0

    @property
    def precision(self) -> float:
        return self.true_items / self.items if self.items else 1.0


def process_items(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The process-level list as a page shows it: ranked items, each with the segments
    folded under it."""
    return connection.execute(ITEMS).df()


def holding_segments(cause: dict, truth: dict) -> set[str]:
    """The segments that hold all of a cause: its own, the site of its team, its channel
    and the whole centre."""
    segments = {f"{cause['segment_kind']}:{cause['segment_value']}", "all:all"}
    if cause["segment_kind"] == "team":
        segments.add(f"site:{truth['teams'][cause['segment_value']]}")
    if cause.get("channel"):
        segments.add(f"channel:{cause['channel']}")
    return segments


def explains(item: dict, cause: dict, truth: dict) -> bool:
    segments = {f"{item['segment_kind']}:{item['segment_value']}", *item["folded_segments"]}
    detail = cause.get("question_id", "") if item["metric"] == "question_fail_rate" else ""
    return (
        item["metric"] in cause["metrics"]
        and item["detail"] == detail
        and bool(segments & holding_segments(cause, truth))
        and str(item["window_end"])[:10] >= cause["from_date"]
        and str(item["window_start"])[:10] < cause["to_date"]
    )


def detect(connection: duckdb.DuckDBPyConnection, truth: dict, top: int = 5) -> Detection:
    items = process_items(connection).to_dict("records")
    causes = truth["special_causes"]
    found = sum(any(explains(item, cause, truth) for item in items[:top]) for cause in causes)
    true_items = sum(any(explains(item, cause, truth) for cause in causes) for item in items)
    return Detection(len(causes), found, len(items), true_items)
