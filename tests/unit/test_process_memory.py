"""return_freed_memory gives freed heap memory back to the system (glibc)."""

import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent(
    """
    from orchestration.process_memory import return_freed_memory

    def resident():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

    blocks = [bytearray(1000) for _ in range(400_000)]  # ~400 MB of C-heap blocks
    last = bytearray(1000)  # allocated after them: the heap's top cannot shrink by itself
    del blocks
    freed_but_held = resident()
    return_freed_memory()
    print(freed_but_held, resident())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc")
def test_freed_heap_memory_leaves_the_resident_set():
    completed = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    )
    held_kib, after_kib = map(int, completed.stdout.split())
    assert held_kib - after_kib > 300 * 1024, (held_kib, after_kib)
