"""No personal data in any table: the blocking check of every build (issue 21 item 6), and the
read-only published file."""

from __future__ import annotations

import stat
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assets.privacy import CHECK_NAME, found_message, personal_data_found
from orchestration.assets.publish import required_checks

# A card issuers publish for tests (Luhn-valid) and an address reserved for documentation.
CARD = "4539 1488 0343 6467"
MAIL = "jane.doe@example.com"
# Written by hand: what the redaction keeps (its tokens; order ids, amounts, dates, times).
CLEAN = (
    "Card [CARD], mail [EMAIL], phone [PHONE], SSN [ID]",
    "order 12345678 ref ORD-2026-000123 for $1,234.56 on 2026-06-01 at 14:05:22",
    "@SUM(1+1) Sam",
    "",
    None,
)


def small_warehouse(path: Path, planted: dict[str, str] | None = None) -> Path:
    """A build file with the schemas of ours: a raw table, a staging view, a mart with a text
    column, a list of text and numbers; `planted` maps `mart column` → one value to add."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema raw; create schema staging; create schema marts")
        connection.execute("create table raw.notes (note_id integer, note varchar)")
        connection.executemany(
            "insert into raw.notes values (?, ?)", list(enumerate(CLEAN))
        )  # fmt: skip
        connection.execute("create view staging.stg_notes as select * from raw.notes")
        connection.execute(
            "create table marts.fct_answers (answer_id integer, answer_comment varchar,"
            " quotes varchar[], score double)"
        )
        connection.execute(
            "insert into marts.fct_answers values (1, 'fine', ['[CARD]', 'ok'], 4539148803436467),"
            " (2, null, [], 2026.0601)"
        )
        for column, value in (planted or {}).items():
            for copy in range(2):
                row = {"answer_comment": None, "quotes": None, **{column: value}}
                quotes = [row["quotes"]] if row["quotes"] else []
                connection.execute(
                    "insert into marts.fct_answers values (?, ?, ?, 1.0)",
                    [10 + copy, row["answer_comment"], quotes],
                )
    return path


def test_a_planted_card_number_in_a_mart_fails_naming_table_column_and_count(tmp_path):
    path = small_warehouse(tmp_path / "build.duckdb", {"answer_comment": f"card {CARD} ok"})
    with duckdb.connect(str(path), read_only=True) as connection:
        found = personal_data_found(connection)
    assert found == {"marts.fct_answers.answer_comment": 2}
    message = found_message(found)
    assert message.startswith(
        "personal data in 1 column of the build file: marts.fct_answers.answer_comment (2 values)."
    )
    assert CARD not in message and CARD not in str(found)


def test_personal_data_in_a_list_of_text_is_found_too(tmp_path):
    path = small_warehouse(tmp_path / "build.duckdb", {"quotes": f"write to {MAIL}"})
    with duckdb.connect(str(path), read_only=True) as connection:
        assert personal_data_found(connection) == {"marts.fct_answers.quotes": 2}


def test_tokens_ordinary_numbers_and_number_columns_pass(tmp_path):
    path = small_warehouse(tmp_path / "build.duckdb")
    with duckdb.connect(str(path), read_only=True) as connection:
        assert personal_data_found(connection) == {}
    assert found_message({}).startswith("no personal data")


def test_a_view_over_unredacted_raw_text_is_named_with_its_table(tmp_path):
    path = small_warehouse(tmp_path / "build.duckdb")
    with duckdb.connect(str(path)) as connection:
        connection.execute("insert into raw.notes values (99, ?)", [f"call me, {MAIL}"])
    with duckdb.connect(str(path), read_only=True) as connection:
        assert personal_data_found(connection) == {
            "raw.notes.note": 1,
            "staging.stg_notes.note": 1,
        }


def test_publishing_requires_the_check_to_have_run_and_passed():
    assert CHECK_NAME in required_checks()


@pytest.fixture(scope="module")
def defs():
    from tests.unit.test_definitions import prepared_manifest

    prepared_manifest()
    from orchestration.definitions import defs

    return defs


def test_the_check_blocks_the_publish_and_runs_after_every_dbt_model(defs):
    graph = defs.resolve_asset_graph()
    [key] = [key for key in graph.asset_check_keys if key.name == CHECK_NAME]
    spec = graph.get_check_spec(key)
    assert spec.blocking
    # On an asset the publish step waits for, so a failure holds the publish back.
    assert key.asset_key in graph.get(dg.AssetKey("published_warehouse")).parent_keys
    models = {
        asset
        for asset in graph.get_all_asset_keys()
        if asset.path[0] in ("staging", "intermediate", "marts")
    }
    after = {dep.asset_key for dep in spec.additional_deps} | {key.asset_key}
    assert models and models <= after


@pytest.mark.slow
def test_the_generated_pipeline_publishes_a_file_without_personal_data(published_warehouse):
    assert published_warehouse.exists()
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        assert personal_data_found(connection) == {}


@pytest.mark.slow
def test_the_published_file_is_read_only_for_everyone(published_warehouse):
    mode = stat.S_IMODE(published_warehouse.stat().st_mode)
    assert mode == 0o444, oct(mode)
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_evaluations").fetchone()[0] > 0


def test_a_failed_scan_holds_back_the_assets_downstream_of_the_checked_mart(tmp_path):
    from orchestration.assets.privacy import build_privacy_check
    from orchestration.resources import WarehouseResource, build_database

    path = small_warehouse(tmp_path / "build.duckdb", {"answer_comment": f"card {CARD}"})
    mart, staging = dg.AssetKey(["marts", "fct_answers"]), dg.AssetKey(["staging", "stg_notes"])

    @dg.asset(key=staging)
    def stg_notes() -> None:
        """Stands for the dbt models the check waits for."""

    @dg.asset(key=mart)
    def fct_answers() -> None:
        """Stands for the mart the check is attached to."""

    @dg.asset(deps=[mart])
    def published() -> None:
        """Stands for published_warehouse."""

    warehouse = WarehouseResource(
        landing_dir=str(tmp_path),
        published_path=str(tmp_path / "qm.duckdb"),
        validation_dir=str(tmp_path / "validation"),
        database=build_database(path),
    )
    result = dg.materialize(
        [stg_notes, fct_answers, published, build_privacy_check(mart, [staging, mart])],
        resources={"warehouse": warehouse},
        raise_on_error=False,
    )
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    found = evaluation.metadata["values_found_per_column"].value
    assert found == {"marts.fct_answers.answer_comment": 2}
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    assert {staging, mart} <= materialized
    assert dg.AssetKey("published") not in materialized
