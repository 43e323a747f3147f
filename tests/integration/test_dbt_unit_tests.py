"""The dbt unit tests (hand-made rows through a model's SQL, `unit_tests:` in the models'
yml) pass. `qm run` leaves them out of its build; they run here, once, on a copy of a built
warehouse (dbt reads the column types of a unit test's inputs from the built relations)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import DBT_PROJECT, dbt_on_copy

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(generated_run, tmp_path):
    assert generated_run.returncode == 0, generated_run.output[-3000:]
    output = dbt_on_copy(
        generated_run.build, tmp_path / "qm.build.duckdb", tmp_path,
        "test", "--select", "test_type:unit",
    )  # fmt: skip
    summary = next(line for line in output.splitlines() if "Done. PASS=" in line)
    # the summary's PASS also counts the project's on-run-start hook: count the tests' lines
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    passed = sum("[PASS in " in line for line in plain.splitlines())
    declared = sum(
        len(yaml.safe_load(path.read_text()).get("unit_tests") or [])
        for path in (DBT_PROJECT / "models").rglob("*.yml")
    )
    assert passed == declared > 20, summary
