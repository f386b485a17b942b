"""What authorization costs: the same list query as rep@acme.example and as the vendor admin.

Starts the gateway (production settings, no access log) on the demo database, drives it from
this separate process with a fixed number of concurrent clients, reads the server's CPU time
from /proc, and prints requests/s and CPU-ms per request for both callers and their ratio.

    .venv/bin/python bench/authz_cost.py [--seconds 10] [--concurrency 8]

Uses DATABASE_URL when set, else the embedded Postgres in .data (seeded by `make demo`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

# Both callers get a full page (rep@acme owns ~65 deals in the demo data), so the rows, the
# JSON and the statements are the same; only the grant differs.
QUERY = (
    "{ deals(first: 50) { nodes { id customerName amount status "
    "partner { slug } owner { email } } } }"
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    caller: str
    requests: int
    seconds: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / self.requests


def server_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def token_for(email: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "gateway", "token", "--user", email],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


async def drive(url: str, token: str, seconds: float, concurrency: int) -> int:
    done = 0
    deadline = time.perf_counter() + seconds
    headers = {"authorization": f"Bearer {token}"}

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            response = await client.post(url, json={"query": QUERY}, headers=headers)
            response.raise_for_status()
            done += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return done


async def measure(url: str, pid: int, caller: str, seconds: float, concurrency: int) -> Result:
    token = token_for(caller)
    await drive(url, token, 1.0, concurrency)  # warm caches, grants and the pool
    cpu_before, started = server_cpu_seconds(pid), time.perf_counter()
    count = await drive(url, token, seconds, concurrency)
    elapsed = time.perf_counter() - started
    return Result(caller, count, elapsed, server_cpu_seconds(pid) - cpu_before)


async def main(seconds: float, concurrency: int) -> None:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "warning"}
    # The server lives for the whole run; starting it is not on any measured path.
    server = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], env=env)  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        async with httpx.AsyncClient() as probe:
            for _ in range(200):
                try:
                    if (await probe.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        results = []
        # Interleave the callers so drift in the machine's load hits both alike.
        for caller in ["admin@vendor.example", "rep@acme.example"] * 2:
            results.append(await measure(url, server.pid, caller, seconds / 2, concurrency))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
    by_caller: dict[str, list[Result]] = {}
    for result in results:
        by_caller.setdefault(result.caller, []).append(result)
    print("| caller | requests/s | server CPU-ms/request |")
    print("|---|---|---|")
    summary = {}
    for caller, runs in by_caller.items():
        rate = sum(r.requests for r in runs) / sum(r.seconds for r in runs)
        cpu = 1000 * sum(r.cpu_seconds for r in runs) / sum(r.requests for r in runs)
        summary[caller] = (rate, cpu)
        print(f"| {caller} | {rate:.0f} | {cpu:.2f} |")
    vendor, rep = summary["admin@vendor.example"], summary["rep@acme.example"]
    print(
        f"authorized/vendor-wide: throughput {rep[0] / vendor[0]:.2f}, "
        f"CPU per request {rep[1] / vendor[1]:.2f} (authorization costs "
        f"{(rep[1] / vendor[1] - 1) * 100:+.1f}% CPU)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency))
