"""return_freed_memory gives freed memory back to the system: the C library's heap (glibc)
and Arrow's memory pool."""

import subprocess
import sys
import textwrap

import pytest

RESIDENT = textwrap.dedent(
    """
    from orchestration.process_memory import return_freed_memory

    def resident():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    """
)

C_HEAP = """
blocks = [bytearray(1000) for _ in range(400_000)]  # ~400 MB of C-heap blocks
last = bytearray(1000)  # allocated after them: the heap's top cannot shrink by itself
"""

# Arrays computed by Arrow are allocated from its pool (a NumPy array wrapped by pa.array
# is not: it stays NumPy's).
ARROW_POOL = """
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

base = pa.array(np.arange(1000, dtype=np.int64))
blocks = [pc.add(base, 1) for _ in range(50_000)]  # ~400 MB from Arrow's pool
last = pc.add(base, 1)
"""

MEASURE = """
del blocks
freed_but_held = resident()
return_freed_memory()
print(freed_but_held, resident())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc")
@pytest.mark.parametrize("allocation", [C_HEAP, ARROW_POOL], ids=["c-heap", "arrow-pool"])
def test_freed_memory_leaves_the_resident_set(allocation):
    completed = subprocess.run(
        [sys.executable, "-c", RESIDENT + allocation + MEASURE],
        capture_output=True,
        text=True,
        check=True,
    )
    held_kib, after_kib = map(int, completed.stdout.split())
    assert held_kib - after_kib > 300 * 1024, (held_kib, after_kib)
