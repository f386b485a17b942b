"""Who else used the CPU during a scenario: the machine's busy time less the benchmark's own.

Two cores are shared by the servers, the driver and Postgres; anything else running (a test
suite, a build) takes CPU from them and skews the numbers. The report flags such scenarios.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    name: str
    cpu_seconds: float


def _processes() -> Iterable[Process]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            head, tail = stat.rsplit(")", 1)
            fields = tail.split()
            cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        yield Process(int(entry.name), int(fields[1]), head.split("(", 1)[1], cpu)


def postmaster_pid(pgdata: Path) -> int | None:
    """The embedded server's main process (first line of postmaster.pid), if it is ours."""
    try:
        return int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Snapshot:
    machine: float
    ours: float


class CpuWatch:
    """CPU seconds of the machine and of the benchmark's own processes: the servers (`pids`),
    Postgres (`postmaster` and its children; with no postmaster known, every process named
    postgres), this process and its finished children (wrk)."""

    def __init__(self, pids: list[int], postmaster: int | None) -> None:
        self.pids = set(pids)
        self.postmaster = postmaster

    def _is_ours(self, process: Process) -> bool:
        if process.pid in self.pids:
            return True
        if self.postmaster is None:
            return process.name == "postgres"
        return self.postmaster in (process.pid, process.parent)

    def snapshot(self) -> Snapshot:
        ours = sum(p.cpu_seconds for p in _processes() if self._is_ours(p))
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours += own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        return Snapshot(_machine_busy_seconds(), ours)


def others_cores(before: Snapshot, after: Snapshot, seconds: float) -> float:
    """Average cores used by processes that are not the benchmark's, between two snapshots."""
    if seconds <= 0:
        return 0.0
    others = (after.machine - before.machine) - (after.ours - before.ours)
    return max(0.0, others / seconds)
