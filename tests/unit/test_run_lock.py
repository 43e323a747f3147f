"""The run lock on its own (no Dagster): who holds it, refusals, stale files, the kernel's
release of a killed holder's lock."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration import run_lock


@pytest.fixture
def build(tmp_path) -> Path:
    return tmp_path / "warehouse" / "qm.build.duckdb"


def lock_file(build: Path) -> Path:
    return build.with_name("qm.build.duckdb.lock")


def other_holder(build: Path, content: dict) -> int:
    """The lock as another process holds it: flock on a descriptor of its own (flock
    conflicts between open files, even within one process) and its description written."""
    lock_file(build).parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_file(build), os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(descriptor, json.dumps(content).encode())
    return descriptor


def test_the_lock_file_beside_the_build_file_says_which_run_holds_it(build):
    lock = run_lock.acquire(build, "run-1")
    try:
        holder = json.loads(lock_file(build).read_text())
        assert holder["run_id"] == "run-1"
        assert holder["pid"] == os.getpid()
        assert holder["host"] == socket.gethostname()
        assert holder["started_at"].endswith(" UTC")
        assert lock.taken_over is None and lock.takeover_message is None
    finally:
        lock.release()
    assert lock_file(build).read_text() == ""  # finished: nobody's run is in progress


def test_a_second_run_is_refused_with_who_holds_the_lock(build):
    descriptor = other_holder(
        build, {"run_id": "run-A", "pid": 4242, "started_at": "2026-01-02 03:04:05 UTC"}
    )
    try:
        with pytest.raises(run_lock.RunInProgress) as refused:
            run_lock.acquire(build, "run-B")
    finally:
        os.close(descriptor)
    assert str(refused.value) == (
        f"run run-A started at 2026-01-02 03:04:05 UTC (pid 4242) is in progress on {build};"
        " wait for it or stop it"
    )


def test_a_holder_on_another_host_is_named_with_its_host(build):
    descriptor = other_holder(
        build,
        {"run_id": "run-A", "pid": 7, "host": "elsewhere", "started_at": "2026-01-02 03:04 UTC"},
    )
    try:
        with pytest.raises(run_lock.RunInProgress, match=r"\(pid 7 on elsewhere\) is in"):
            run_lock.acquire(build, "run-B")
    finally:
        os.close(descriptor)


def test_a_holder_that_has_not_written_itself_yet_still_refuses_in_one_line(build):
    descriptor = other_holder(build, {})
    os.ftruncate(descriptor, 0)
    try:
        with pytest.raises(run_lock.RunInProgress) as refused:
            run_lock.acquire(build, "run-B")
    finally:
        os.close(descriptor)
    assert "\n" not in str(refused.value)
    assert str(refused.value).endswith(f"is in progress on {build}; wait for it or stop it")


def test_a_lock_file_left_by_a_dead_run_is_taken_over_and_named(build):
    build.parent.mkdir(parents=True)
    dead = {"run_id": "run-dead", "pid": 999999, "started_at": "2026-01-02 03:04:05 UTC"}
    lock_file(build).write_text(json.dumps(dead))  # content, but no flock: its process died
    lock = run_lock.acquire(build, "run-new")
    try:
        assert lock.taken_over == dead
        assert lock.takeover_message == (
            f"took over the lock {lock_file(build)} left by run run-dead started at"
            " 2026-01-02 03:04:05 UTC (pid 999999), which is no longer running"
        )
        assert json.loads(lock_file(build).read_text())["run_id"] == "run-new"
    finally:
        lock.release()


def test_the_same_run_taking_the_lock_again_shares_it_until_both_release(build):
    outer = run_lock.acquire(build, "run-1")  # `qm run`
    inner = run_lock.acquire(build, "run-1")  # the Dagster run it starts, same id
    assert inner is outer
    inner.release()
    assert json.loads(lock_file(build).read_text())["run_id"] == "run-1"  # still held
    with pytest.raises(run_lock.RunInProgress, match="run run-1 started at"):
        run_lock.acquire(build, "run-2")  # another run in this process
    outer.release()
    run_lock.acquire(build, "run-2").release()  # free again


def test_a_warehouse_folder_that_cannot_be_created_is_said_with_the_os_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    build = blocker / "sub" / "qm.build.duckdb"
    with pytest.raises(run_lock.WarehouseUnwritable) as refused:
        run_lock.acquire(build, "run-1")
    assert str(refused.value) == (
        f"cannot create the folder of the warehouse {build}: {blocker / 'sub'}: Not a directory"
    )


@pytest.mark.slow
def test_the_kernel_releases_the_lock_of_a_killed_holder(build):
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from orchestration import run_lock
        run_lock.acquire(Path({str(build)!r}), "run-killed")
        print("held", flush=True)
        time.sleep(600)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(run_lock.RunInProgress, match=rf"\(pid {holder.pid}\)"):
        run_lock.acquire(build, "run-next")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = run_lock.acquire(build, "run-next")
    try:
        assert lock.taken_over["run_id"] == "run-killed"
        assert lock.taken_over["pid"] == holder.pid
    finally:
        lock.release()


@pytest.mark.slow
def test_a_build_file_another_program_has_open_is_refused_naming_that_program(build):
    """A leftover dbt, or an analyst's tool holding DuckDB's lock: said in one line with
    its pid, instead of DuckDB's error deep in a failed step."""
    build.parent.mkdir(parents=True)
    script = textwrap.dedent(
        f"""
        import time, duckdb
        connection = duckdb.connect({str(build)!r})
        print("open", flush=True)
        time.sleep(600)
        """
    )
    program = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert program.stdout.readline().strip() == "open"
        with pytest.raises(run_lock.BuildFileInUse) as refused:
            run_lock.acquire(build, "run-1")
    finally:
        program.kill()
        program.wait()
    assert str(refused.value).startswith(
        f"the build file {build} is open in another program (pid {program.pid}: "
    )
    run_lock.acquire(build, "run-1").release()  # refused without keeping the lock
