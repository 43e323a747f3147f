"""One run at a time per warehouse: a lock file beside the build file, held for the whole run.

The lock is `flock` on `<build file>.lock`: the kernel releases it when the holding process
ends, however it ends (SIGKILL included), so a killed run can never leave a lock that blocks.
The file also says who holds it (run id, pid, host, start time), for the one-line refusal a
second run prints. The holder empties the file when it finishes; a file that still has
content while nobody holds the flock was left by a run that died: the next run takes it over
and says so.

`qm run` takes the lock before it writes anything (log, build file, Dagster's run); the
Dagster run takes it again through `WarehouseResource` (runs `dagster dev` launches itself):
in one process, the same run id takes it once, so `qm run`'s run passes through.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import socket
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path


class RunRefused(RuntimeError):
    """A run that must not start; the message is the one line a person reads."""


class RunInProgress(RunRefused):
    """Another run holds the lock of this build file."""


class WarehouseUnwritable(RunRefused):
    """The warehouse's folder cannot be created or written."""


class BuildFileInUse(RunRefused):
    """Another program (not a run: an analyst's tool, a leftover dbt) has the build file
    open, so DuckDB could not open it for writing."""


def lock_path(build: Path) -> Path:
    return build.with_name(build.name + ".lock")


@dataclass
class RunLock:
    """A held lock; `taken_over` describes the dead run whose lock file this one replaced."""

    path: Path
    build: Path
    run_id: str
    descriptor: int
    taken_over: dict | None = None
    holders: int = field(default=1, repr=False)

    @property
    def takeover_message(self) -> str | None:
        if self.taken_over is None:
            return None
        return (
            f"took over the lock {self.path} left by {describe(self.taken_over)}, which is no"
            " longer running"
        )

    def release(self) -> None:
        with _registry_lock:
            self.holders -= 1
            if self.holders > 0:
                return
            _held.pop(self.path, None)
        try:
            os.ftruncate(self.descriptor, 0)  # empty: nobody's run is in progress
        finally:
            os.close(self.descriptor)  # closing releases the flock

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


# Locks this process holds, by lock file: flock conflicts between two descriptors of the
# same file even within one process, so a second take by the same run reuses the first.
_held: dict[Path, RunLock] = {}
_registry_lock = threading.Lock()


def describe(holder: dict) -> str:
    """`run <id> started at <time> (pid <pid>)`, from a lock file's content."""
    started = holder.get("started_at", "an unknown time")
    where = f"pid {holder.get('pid', '?')}"
    if holder.get("host") and holder.get("host") != socket.gethostname():
        where += f" on {holder['host']}"
    return f"run {holder.get('run_id', '?')} started at {started} ({where})"


def in_progress_message(holder: dict, build: Path) -> str:
    return f"{describe(holder)} is in progress on {build}; wait for it or stop it"


def ensure_writable_folder(warehouse: Path) -> None:
    """Create the folder of `warehouse` and check this user may write files in it; said in
    one line naming the path and the OS error, before anything runs."""
    folder = warehouse.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:  # the folder's name is taken by a file
        raise WarehouseUnwritable(
            f"cannot create the folder of the warehouse {warehouse}: {error.filename}:"
            f" {os.strerror(errno.ENOTDIR)}"
        ) from error
    except OSError as error:
        raise WarehouseUnwritable(
            f"cannot create the folder of the warehouse {warehouse}: {_os_error(error)}"
        ) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WarehouseUnwritable(
            f"cannot write the warehouse {warehouse}: {folder}: {os.strerror(errno.EACCES)}"
        )


def _os_error(error: OSError) -> str:
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


def _read_holder(descriptor: int) -> dict | None:
    """The lock file's content: None when empty (nobody ran, or the last run finished)."""
    text = os.pread(descriptor, 64 * 1024, 0).decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        holder = None
    return holder if isinstance(holder, dict) else {"run_id": f"unknown ({text[:80]!r})"}


def acquire(build: Path, run_id: str) -> RunLock:
    """Take the run lock of `build` for `run_id`, or raise RunRefused saying why not."""
    build = Path(build).absolute()
    ensure_writable_folder(build)
    path = lock_path(build)
    with _registry_lock:
        held = _held.get(path)
        if held is not None:
            if held.run_id != run_id:
                raise RunInProgress(in_progress_message(_holder_of(held), build))
            held.holders += 1
            return held
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise WarehouseUnwritable(
                f"cannot write the lock file of the warehouse {build}: {_os_error(error)}"
            ) from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            os.close(descriptor)
            if holder is None:  # the holder has not written itself in yet
                holder = {"run_id": "(starting)", "started_at": "just now"}
            raise RunInProgress(in_progress_message(holder, build)) from None
        user = build_file_user(build)
        if user is not None:
            os.close(descriptor)
            raise BuildFileInUse(
                f"the build file {build} is open in another program (pid {user}:"
                f" {_command_line(user)}); close it or stop that process, then run again"
            )
        stale = _read_holder(descriptor)
        holder = {
            "run_id": run_id,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "build": str(build),
        }
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (json.dumps(holder) + "\n").encode(), 0)
        os.fsync(descriptor)
        lock = RunLock(path, build, run_id, descriptor, taken_over=stale)
        _held[path] = lock
        return lock


def _holder_of(lock: RunLock) -> dict:
    return _read_holder(lock.descriptor) or {"run_id": lock.run_id, "pid": os.getpid()}


_FLOCK = "hhqqi"  # struct flock: l_type, l_whence, l_start, l_len, l_pid (Linux)


def build_file_user(build: Path) -> int | None:
    """The pid of another process holding DuckDB's lock on `build` (DuckDB locks its file
    with fcntl record locks), or None. Asked before this process opens the file itself:
    closing a descriptor drops this process's own record locks on the file."""
    try:
        descriptor = os.open(build, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None  # no build file yet (or unreadable: DuckDB will say so)
    try:
        query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0) + bytes(8)
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, query)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    lock_type, _, _, _, pid = struct.unpack(_FLOCK, answer[: struct.calcsize(_FLOCK)])
    return pid if lock_type != fcntl.F_UNLCK and pid > 0 else None


def _command_line(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "command unknown"
    text = " ".join(word for word in words if word)
    return text if len(text) <= 120 else text[:117] + "..."
