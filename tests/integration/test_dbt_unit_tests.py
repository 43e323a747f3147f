"""The dbt unit tests (hand-made rows through a model's SQL, `unit_tests:` in the models'
yml) pass. `qm run` leaves them out of its build; they run here, once, on a copy of a built
warehouse (dbt reads the column types of a unit test's inputs from the built relations)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def test_every_dbt_unit_test_passes(generated_run, tmp_path):
    assert generated_run.returncode == 0, generated_run.output[-3000:]
    copy = tmp_path / "qm.build.duckdb"
    shutil.copy(generated_run.build, copy)
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")), "test", "--select", "test_type:unit",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
            "--profiles-dir", ".",
        ],
        cwd=DBT_PROJECT,
        env={**os.environ, "QM_BUILD_WAREHOUSE": str(copy)},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    summary = next(line for line in completed.stdout.splitlines() if "Done. PASS=" in line)
    passed = int(summary.split("PASS=")[1].split()[0])
    declared = sum(
        len(yaml.safe_load(path.read_text()).get("unit_tests") or [])
        for path in (DBT_PROJECT / "models").rglob("*.yml")
    )
    assert passed == declared > 20, summary
