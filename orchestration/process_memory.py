"""Memory this process has freed, handed back to the system."""

import ctypes
import ctypes.util
import gc


def return_freed_memory() -> None:
    """Collect unreachable objects and ask the C library to give its free heap pages back.

    Freed blocks stay in the C library's heap, counted in the process's resident memory,
    until something reuses them. The pipeline calls this before dbt starts: the ingest and the
    raw tables' validation (a pandas frame of every row) leave about 0.25 GB behind at 1M
    contacts (measured), which dbt, a process of its own, cannot use otherwise.
    """
    gc.collect()
    library = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(library), "malloc_trim", None) if library else None
    if trim is not None:  # glibc; other C libraries return memory their own way
        trim(0)
