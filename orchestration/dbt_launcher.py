#!/usr/bin/env python3
"""Start dbt so that it dies with the process that started it (Linux).

dagster-dbt runs this file as its `dbt_executable` (settings.dbt_executable). It asks the
kernel to SIGKILL it when its parent thread ends (prctl PR_SET_PDEATHSIG), then replaces
itself with the real dbt (os.execv keeps the process and the setting): a `qm run` or Dagster
run process killed during `dbt build` takes its dbt with it, and dbt's lock on the build
file goes too. Standard library only: it may run under any python3 on PATH.

The real dbt is QM_DBT_EXECUTABLE (settings.dbt_environment sets it), else `dbt` on PATH.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """SIGKILL this process when the thread that started it ends; exit now if it already
    has (the parent died before the setting took effect)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"prctl(PR_SET_PDEATHSIG): {os.strerror(error)}")
    expected = os.environ.get("QM_DBT_PARENT_PID")
    if os.getppid() != parent or (expected and expected != str(parent)):
        sys.exit(f"{sys.argv[0]}: the process that started dbt has ended; not starting dbt")


def real_dbt() -> str:
    name = os.environ.get("QM_DBT_EXECUTABLE") or "dbt"
    dbt = name if os.sep in name else shutil.which(name)
    if not dbt:
        sys.exit(f"{sys.argv[0]}: dbt not found (set QM_DBT_EXECUTABLE or put dbt on PATH)")
    return dbt


def main() -> None:
    die_with_parent()
    dbt = real_dbt()
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
