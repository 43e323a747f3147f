"""`make bench`'s peak memory of `qm run`: the sum over the process and the processes it
starts, sampled while they run, not the largest one's own peak."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.process_tree import run_sampled

# A parent holding 300 MiB that starts a child holding 200 MiB for a second and a half.
CHILD = "import time; held = b'x' * (200 * 2**20); time.sleep(1.5)"
PARENT = "import subprocess, sys; held = b'x' * (300 * 2**20); subprocess.run([sys.executable, '-c', sys.argv[1]])"


def test_the_peak_is_the_sum_of_the_processes_holding_memory_together(tmp_path):
    result = run_sampled([sys.executable, "-c", PARENT, CHILD], tmp_path / "out.log")
    # each alone is under its bytes + 40 MiB (the interpreter); together over 500
    assert 500 < result["peak_mib"] < 580
    largest, second, *_ = result["peak_processes"]
    assert 300 <= largest["mib"] < 340 and 200 <= second["mib"] < 240
    assert largest["command"].startswith(sys.executable)
    assert 0 < result["peak_at_seconds"] < 10


def test_a_failed_command_says_what_it_printed(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_sampled([sys.executable, "-c", "print('no landing'); raise SystemExit(3)"],
                    tmp_path / "out.log")  # fmt: skip
    assert failure.value.returncode == 3 and "no landing" in failure.value.output
