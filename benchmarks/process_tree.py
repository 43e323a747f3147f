"""The memory of a command and of every process it starts, as `make bench` reports it for
`qm run`: the peak of their summed resident memory, sampled from /proc, and each process's
share at that moment. One process's own peak (`ru_maxrss`) misses the sum: `qm run` and the
dbt it starts hold their memory at the same time. Where there is no /proc (not Linux), the
largest process's own peak stands in for the sum."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

PROC = Path("/proc")


def resident_kib(pid: int) -> int:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # a zombie has no resident memory


def descendants(root: int) -> list[int]:
    """`root` and every process below it, alive now."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while listed
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces and ')'
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def sample(root: int) -> dict[int, tuple[str, int]]:
    """pid → (command line, resident KiB) of `root`'s tree now."""
    sampled = {}
    for pid in descendants(root):
        try:
            command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
            sampled[pid] = (command.decode(errors="replace").strip()[:120], resident_kib(pid))
        except OSError:
            continue
    return sampled


def run_sampled(command: list[str], log: Path, interval: float = 0.25) -> dict:
    """Run `command` (its output to `log`) and return its tree's peak: `peak_mib`, the
    seconds after the start it came, and the processes holding it, the largest first.
    Raises CalledProcessError when the command fails."""
    started = time.monotonic()
    peak, at, holders = 0, 0.0, {}
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        while process.poll() is None:
            if PROC.is_dir():
                now = sample(process.pid)
                total = sum(kib for _, kib in now.values())
                if total > peak:
                    peak, at, holders = total, time.monotonic() - started, now
            time.sleep(interval)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, log.read_text()[-4000:])
    if not holders:  # no /proc, or over before the first sample
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB; bytes on macOS
        peak = peak / 1024 if sys.platform == "darwin" else peak
    ranked = sorted(holders.values(), key=lambda holder: -holder[1])
    return {
        "peak_mib": peak / 1024,
        "peak_at_seconds": round(at, 1),
        "peak_processes": [{"command": name, "mib": round(kib / 1024)} for name, kib in ranked[:4]],
    }
