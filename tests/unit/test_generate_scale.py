"""`qm generate --scale` presets, the transcript share and the streamed (bounded-memory) path."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import orchestration.generate as generate
from orchestration.cli import build_parser, scale_arguments
from orchestration.generate import generate_landing
from tests.conftest import SAMPLE_ARGS

SEED, AGENTS, DAYS = 5, 10, 21


def preset(*options: str) -> dict:
    return scale_arguments(build_parser().parse_args(["generate", *options]))


def test_small_preset_is_the_tests_sample_and_demo_the_default():
    sample = dict(zip(SAMPLE_ARGS[::2], SAMPLE_ARGS[1::2], strict=True))
    small = preset("--scale", "small")
    assert (small["agents"], small["days"]) == (int(sample["--agents"]), int(sample["--days"]))
    assert preset() == preset("--scale", "demo")
    assert (preset()["agents"], preset()["days"]) == (40, 112)  # the default landing so far
    for name in ("small", "demo"):
        chosen = preset("--scale", name)
        assert (chosen["file_format"], chosen["transcript_share"], chosen["stream"]) == (
            "csv", 1.0, False
        )  # fmt: skip


def test_big_presets_stream_parquet_at_their_sizes():
    one_million, ten_million = preset("--scale", "1m"), preset("--scale", "10m")
    assert (one_million["agents"], one_million["days"]) == (400, 190)  # the 1M run
    assert one_million["file_format"] == ten_million["file_format"] == "parquet"
    assert one_million["stream"] and ten_million["stream"]
    assert ten_million["transcript_share"] == pytest.approx(0.1)  # "transcripts for 1M of them"
    # Expected contacts: Poisson means of 16 a weekday and 6 a weekend day per agent.
    weekly_mean = (5 * 16 + 2 * 6) / 7
    expected = ten_million["agents"] * ten_million["days"] * weekly_mean
    assert 9e6 <= expected <= 11e6
    assert ten_million["days"] == 365


def test_explicit_options_override_the_preset():
    chosen = preset(
        "--scale", "1m", "--agents", "7", "--format", "csv", "--transcript-share", "0.5"
    )
    assert (chosen["agents"], chosen["days"]) == (7, 190)
    assert (chosen["file_format"], chosen["transcript_share"]) == ("csv", 0.5)


@pytest.mark.parametrize("share", ["0", "1.5", "-0.1"])
def test_transcript_share_outside_zero_to_one_is_refused(share, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["generate", "--transcript-share", share])
    assert exit_.value.code == 2
    assert "--transcript-share" in capsys.readouterr().err


def test_faults_are_refused_on_a_streamed_preset(tmp_path):
    with pytest.raises(ValueError, match="faults"):
        generate_landing(tmp_path, agents=2, days=7, faults=0.1, stream=True)
    assert not any(tmp_path.iterdir())  # said before writing


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory):
    out = tmp_path_factory.mktemp("in_memory")
    generate_landing(out, seed=SEED, agents=AGENTS, days=DAYS)
    return out


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    out = tmp_path_factory.mktemp("streamed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generate, "STREAM_CHUNK_CONTACTS", 300)  # several chunks in a small run
        generate_landing(out, seed=SEED, agents=AGENTS, days=DAYS, stream=True,
                         file_format="parquet")  # fmt: skip
    return out


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    out = tmp_path_factory.mktemp("quarter")
    generate_landing(out, seed=SEED, agents=AGENTS, days=DAYS, transcript_share=0.25)
    return out


def text(path) -> pd.DataFrame:
    """A landing file as the text the ingest reads ('' for missing)."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        return frame.astype(object).where(frame.notna(), "").astype(str)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    "export", ["agents", "interactions", "evaluations", "evaluation_answers", "coaching_sessions"]
)
def test_streamed_exports_other_than_transcripts_equal_the_in_memory_ones(
    in_memory, streamed, export
):
    before = text(in_memory / export / f"{export}_0001.csv")
    after = text(streamed / export / f"{export}_0001.parquet")
    pd.testing.assert_frame_equal(before, after)


def test_streamed_ground_truth_equals_the_in_memory_one_but_for_transcripts(in_memory, streamed):
    before = json.loads((in_memory / "ground_truth.json").read_text())
    after = json.loads((streamed / "ground_truth.json").read_text())
    differing = {"parameters", "row_counts", "pii_turns"}  # format, and the transcripts' draws
    assert {key: value for key, value in before.items() if key not in differing} == {
        key: value for key, value in after.items() if key not in differing
    }
    assert (streamed / "csat_surveys" / "csat_surveys_0001.jsonl").read_bytes() == (
        in_memory / "csat_surveys" / "csat_surveys_0001.jsonl"
    ).read_bytes()


def test_streamed_transcripts_cover_every_handled_contact_once(streamed):
    contacts = text(streamed / "interactions" / "interactions_0001.parquet")
    handled = set(contacts.loc[contacts["abandoned"] == "false", "interaction_id"])
    turns = pd.read_parquet(streamed / "transcripts" / "transcripts_0001.parquet")
    truth = pd.read_parquet(streamed / "ground_truth_interactions.parquet")
    assert len(handled) > 3 * 300  # the run really had several chunks
    assert set(turns["interaction_id"]) == handled == set(truth["interaction_id"])
    assert truth["interaction_id"].is_unique
    # each contact's turns are numbered 0..n-1 with no gap across chunk boundaries
    numbered = turns.groupby("interaction_id")["turn_index"].agg(["min", "max", "count"])
    assert (numbered["min"] == 0).all() and (numbered["max"] + 1 == numbered["count"]).all()
    truth_counts = json.loads((streamed / "ground_truth.json").read_text())["row_counts"]
    assert truth_counts["transcripts/transcripts_0001.parquet"] == len(turns)


def test_transcript_share_is_honoured(quarter):
    contacts = text(quarter / "interactions" / "interactions_0001.csv")
    handled = contacts.loc[contacts["abandoned"] == "false", "interaction_id"]
    turns = pd.read_parquet(quarter / "transcripts" / "transcripts_0001.parquet")
    with_transcript = set(turns["interaction_id"])
    assert with_transcript <= set(handled)
    # a quarter of the handled contacts, within four binomial standard deviations
    expected = 0.25 * len(handled)
    deviation = (len(handled) * 0.25 * 0.75) ** 0.5
    assert abs(len(with_transcript) - expected) <= 4 * deviation
    truth = pd.read_parquet(quarter / "ground_truth_interactions.parquet")
    assert set(truth["interaction_id"]) == with_transcript
    parameters = json.loads((quarter / "ground_truth.json").read_text())["parameters"]
    assert parameters["transcript_share"] == 0.25


def test_transcript_share_leaves_the_other_exports_as_they_were(in_memory, quarter):
    for export in ("interactions", "evaluations", "evaluation_answers", "coaching_sessions"):
        name = f"{export}/{export}_0001.csv"
        assert (quarter / name).read_bytes() == (in_memory / name).read_bytes(), export


def test_a_streamed_parquet_landing_ingests_like_the_csv_one(in_memory, streamed):
    """Every row of both landings loads (none quarantined), the same count per export but for
    the transcripts, whose turn counts follow their own draws."""
    import duckdb

    from orchestration.ingest import INGEST_ORDER, ingest_export

    loaded = {}
    for landing in (in_memory, streamed):
        connection = duckdb.connect()
        reports = [ingest_export(connection, export, landing) for export in INGEST_ORDER]
        for report in reports:
            assert report.total("rows_in") == report.total("rows_loaded"), report.export
            assert not report.ignored and not report.warnings(), report.export
        loaded[landing] = {
            report.export: report.total("rows_loaded") for report in reports
        }  # fmt: skip
    before, after = loaded[in_memory], loaded[streamed]
    assert after["transcripts"] > 0
    assert {k: v for k, v in before.items() if k != "transcripts"} == {
        k: v for k, v in after.items() if k != "transcripts"
    }
