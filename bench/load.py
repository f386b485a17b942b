"""Load from a separate process: wrk (Debian's package) with bench/driver.lua for the POSTs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DRIVER = Path(__file__).resolve().parent / "driver.lua"
RESULT_PREFIX = "BENCH-RESULT "


class WrkMissing(RuntimeError):
    """wrk is not installed and cannot be installed from here."""


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, capture_output=True, timeout=300).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
            subprocess.run(install, env=env, capture_output=True, timeout=300, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing(
        "the benchmark drives load with wrk: install it with `sudo apt-get install wrk` "
        "(Debian/Ubuntu) and run again"
    )


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    socket_errors: int
    status_errors: int
    bad_responses: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @classmethod
    def combine(cls, runs: list[LoadResult]) -> LoadResult:
        """Consecutive runs as one: counts add up; p50 and the mean are weighted by requests
        (an approximation), p99 is the worst run's."""
        requests = sum(r.requests for r in runs)

        def weighted(values: list[float]) -> float:
            total = sum(v * r.requests for v, r in zip(values, runs, strict=True))
            return total / requests if requests else 0.0

        return cls(
            requests=requests,
            seconds=sum(r.seconds for r in runs),
            p50_ms=weighted([r.p50_ms for r in runs]),
            p99_ms=max(r.p99_ms for r in runs),
            mean_ms=weighted([r.mean_ms for r in runs]),
            socket_errors=sum(r.socket_errors for r in runs),
            status_errors=sum(r.status_errors for r in runs),
            bad_responses=sum(r.bad_responses for r in runs),
        )


def run_wrk(
    wrk: str,
    url: str,
    body_file: Path,
    token: str,
    *,
    seconds: float,
    connections: int,
    rate: float = 0.0,
    unique_tag: str = "",
) -> LoadResult:
    """One wrk run of `seconds`; `rate` > 0 paces it (requests/s), else it runs flat out."""
    command = [
        wrk,
        "-t1",  # one driver thread: the other core is the server's
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(DRIVER),
        url,
        "--",
        str(body_file),
        token,
        unique_tag,
    ]
    env = {**os.environ, "BENCH_RATE": f"{rate:.3f}"}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            raw = json.loads(line.removeprefix(RESULT_PREFIX))
            return LoadResult(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                p50_ms=raw["p50_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                mean_ms=raw["mean_us"] / 1000,
                socket_errors=raw["socket_errors"],
                status_errors=raw["status_errors"],
                bad_responses=raw["bad_responses"],
            )
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}): {done.stderr.strip()}")
