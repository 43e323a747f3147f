"""Split a generated landing set into the files a centre would have exported day after day:
`make bench` times a day's incremental run with it, and
tests/integration/test_incremental_runs.py compares an incremental history with a full build.

Each row goes to the part of the time it would have arrived: a contact when it ended (a
restatement when it was restated), its transcript with it, an evaluation when it was
submitted (a re-score when it was updated) and its answers with it, a survey when it was
answered, a coaching session when it was held. So later parts carry late evaluations of
earlier contacts and restatements of rows already loaded. The roster, forms, targets and
process changes stay in the first part. Values are copied as the generator wrote them, in
the same file format (CSV, Parquet, JSON Lines).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

WHOLE_IN_FIRST_PART = ("agents", "forms", "quality_targets", "process_changes")


def _read(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    return pa.Table.from_pandas(
        pd.read_csv(path, dtype=str, keep_default_na=False), preserve_index=False
    )


def _write(table: pa.Table, path: Path) -> None:
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        table.to_pandas().to_csv(path, index=False)


def _times(table: pa.Table, *columns: str) -> pd.Series:
    """The first non-empty of the columns, as UTC times."""
    values = None
    for column in columns:
        times = pd.to_datetime(table.column(column).to_pandas().replace("", None), utc=True)
        values = times if values is None else values.fillna(times)
    return values


def _parts(times: pd.Series, cuts: list[pd.Timestamp]) -> np.ndarray:
    """0 before the first cut, 1 before the second, ..."""
    return sum((times >= cut).to_numpy().astype(int) for cut in cuts) + np.zeros(
        len(times), dtype=int
    )


def split_landing(source: Path, cuts: list[str]) -> list[Path]:
    """Write part k of `source` to the folder `<source>.part<k>` (files `<export>_part<k>`)
    and return the folders, oldest first. Copy a part's folder into a landing folder to land
    it."""
    times = [pd.Timestamp(cut, tz="UTC") for cut in cuts]
    folders = [source.with_name(f"{source.name}.part{k}") for k in range(len(cuts) + 1)]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    for export in WHOLE_IN_FIRST_PART:
        if (source / export).is_dir():
            shutil.copytree(source / export, folders[0] / export)

    def files(export: str) -> list[Path]:
        return sorted(p for p in (source / export).glob("*") if p.suffix in (".csv", ".parquet"))

    def write(export: str, table: pa.Table, part: np.ndarray, suffix: str) -> None:
        for k in np.unique(part):
            (folders[k] / export).mkdir(parents=True, exist_ok=True)
            _write(
                table.filter(pa.array(part == k)), folders[k] / export / f"{export}_part{k}{suffix}"
            )

    interactions = [_read(path) for path in files("interactions")]
    suffix = files("interactions")[0].suffix
    contact_part: dict[str, int] = {}
    for table in interactions:  # the first export of a contact: its end; a restatement: then
        original = pd.Series(table.column("updated_at").to_pandas()).replace("", None).isna()
        ids = table.column("interaction_id").to_pandas()
        ended = _parts(_times(table, "ended_at"), times)
        contact_part.update(zip(ids[original.to_numpy()], ended[original.to_numpy()], strict=True))
    table = pa.concat_tables(interactions, promote_options="permissive")
    write("interactions", table, _parts(_times(table, "updated_at", "ended_at"), times), suffix)

    [turns] = [_read(path) for path in files("transcripts")]
    turn_part = turns.column("interaction_id").to_pandas().map(contact_part).to_numpy(dtype=int)
    write("transcripts", turns, turn_part, ".parquet")

    [evaluations] = [_read(path) for path in files("evaluations")]
    evaluation_part = _parts(_times(evaluations, "updated_at", "submitted_at"), times)
    write("evaluations", evaluations, evaluation_part, suffix)
    key = lambda table: (  # noqa: E731
        table.column("evaluation_id").to_pandas().astype(str)
        + "/"
        + table.column("revision").to_pandas().astype(str)
    )
    part_of_evaluation = dict(zip(key(evaluations), evaluation_part, strict=True))
    [answers] = [_read(path) for path in files("evaluation_answers")]
    answer_part = key(answers).map(part_of_evaluation)
    assert answer_part.notna().all(), "answers of an evaluation not in the export"
    write("evaluation_answers", answers, answer_part.to_numpy(dtype=int), suffix)

    [coaching] = [_read(path) for path in files("coaching_sessions")]
    write("coaching_sessions", coaching, _parts(_times(coaching, "held_at"), times), suffix)

    lines = next((source / "csat_surveys").glob("*.jsonl")).read_text().splitlines()
    answered = pd.Series([json.loads(line)["responded_at"] for line in lines])
    survey_part = _parts(pd.to_datetime(answered, utc=True), times)
    for k in np.unique(survey_part):
        (folders[k] / "csat_surveys").mkdir(parents=True, exist_ok=True)
        chosen = [line for line, part in zip(lines, survey_part, strict=True) if part == k]
        (folders[k] / "csat_surveys" / f"csat_surveys_part{k}.jsonl").write_text(
            "\n".join(chosen) + "\n"
        )
    return folders
