"""Fuzz the ingest: whatever lands, nothing is lost and nothing invalid is loaded."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.contract import INTERACTIONS, QUARANTINE_REASONS
from orchestration.ingest import ingest_export

VALID = {
    "interaction_id": st.from_regex(r"I[0-9]{1,3}", fullmatch=True),
    "channel": st.sampled_from(["voice", "chat", "email", "social"]),
    "direction": st.sampled_from(["inbound", "outbound"]),
    "queue": st.sampled_from(["billing", "tech"]),
    "agent_id": st.sampled_from(["A1", "A2"]),
    "started_at": st.just("2026-06-01T09:00:00Z"),
    "ended_at": st.sampled_from(["2026-06-01T09:05:00Z", "2026-06-01 10:00:00"]),
    "talk_seconds": st.integers(0, 5000).map(str),
    "hold_count": st.integers(0, 5).map(str),
    "abandoned": st.sampled_from(["true", "false", "TRUE", "0", "no"]),
    "resolved": st.sampled_from(["", "true", "false"]),
}
COLUMNS = list(VALID)
junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def row_strategy():
    return st.fixed_dictionaries(
        {name: st.one_of(VALID[name], VALID[name], junk) for name in COLUMNS}
    )


@st.composite
def landed_csv(draw) -> tuple[str, int]:
    rows = draw(st.lists(row_strategy(), max_size=25))
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # quotes any field holding \r or \n
    writer.writerow(COLUMNS)
    records = 0
    for row in rows:
        if draw(st.integers(0, 9)) == 0:  # now and then a truncated line
            buffer.write("X1,voice\r\n")
        else:
            writer.writerow([row[name] for name in COLUMNS])
        records += 1
    return buffer.getvalue(), records


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(landed_csv())
def test_rows_in_equal_rows_loaded_plus_quarantined(landed):
    text, records = landed
    with tempfile.TemporaryDirectory() as folder, duckdb.connect() as connection:
        landing = Path(folder)
        (landing / "interactions").mkdir()
        (landing / "interactions" / "fuzz.csv").write_text(text, encoding="utf-8")
        report = ingest_export(connection, "interactions", landing)
        loaded = connection.execute("select count(*) from raw.interactions").fetchall()[0][0]
        quarantined = connection.execute("select reason, raw_row from raw.quarantine").fetchall()

    # Every record written (a quoted row, or a truncated line) is one row in.
    assert report.total("rows_in") == records
    assert loaded + len(quarantined) == records
    for reason, raw_row in quarantined:
        assert reason in QUARANTINE_REASONS
        assert json.loads(raw_row)


@settings(max_examples=25, deadline=None)
@given(st.lists(row_strategy(), min_size=1, max_size=15))
def test_every_loaded_row_satisfies_the_contract(rows):
    with tempfile.TemporaryDirectory() as folder, duckdb.connect() as connection:
        landing = Path(folder)
        (landing / "interactions").mkdir()
        with (landing / "interactions" / "fuzz.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        ingest_export(connection, "interactions", landing)
        channels = {
            row[0] for row in connection.execute("select channel from raw.interactions").fetchall()
        }
        bad = connection.execute(
            "select count(*) from raw.interactions where interaction_id is null or queue is null"
            " or started_at is null or ended_at < started_at or talk_seconds < 0"
            " or (agent_id is null and not abandoned)"
        ).fetchall()[0][0]
        keys = connection.execute(
            "select count(*) - count(distinct interaction_id) from raw.interactions"
        ).fetchall()[0][0]
    domain = dict((column.name, column.domain) for column in INTERACTIONS.columns)["channel"]
    assert channels <= set(domain)
    assert bad == 0
    assert keys == 0
