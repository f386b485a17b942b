"""The benchmark: the gateway against a hand-written baseline on the same machine, same data.

    make bench          # about 4 minutes: 8 s flat out (4 turns of 2 s), 6 s paced per run
    make bench-quick    # about 1 minute: 2 s per run
    .venv/bin/python -m bench.run [--quick] [--scenarios ABCDE] [--seconds S]

Prints a markdown table per scenario and writes bench/results/<date>.json; the last line printed
is the one-line summary of the five ratios. See bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench import database
from bench.environment import mint_token, server_env
from bench.load import LoadResult, WrkMissing, ensure_wrk, run_wrk
from bench.machine import CpuWatch, others_cores, postmaster_pid
from bench.report import Measurement, ScenarioResult, markdown, summary_line, write_json
from bench.scenarios import CALLERS, UNIQUE_TAG, Scenario, by_key
from bench.servers import Server, baseline_server, gateway_server, http_post
from bench.verify import check

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ORDER = "ABCED"  # D writes: last
CALIBRATION_REQUESTS = 10
QUIET_INTERVAL = 0.25  # seconds without work that count as idle


@dataclass(frozen=True)
class Target:
    """A server and a scenario to measure together; `key` names the pair in the results."""

    key: str
    server: Server
    scenario: Scenario


@dataclass(frozen=True)
class Slice:
    result: LoadResult
    cpu_seconds: float
    statements: float


@dataclass(frozen=True)
class Settings:
    seconds: float  # each flat-out run (all its slices)
    paced_seconds: float  # each paced run
    slices: int  # a flat-out run is this many turns per server, alternating between servers
    warmup: float  # unmeasured load before a scenario's runs on each server
    connections: int
    scenarios: str
    mode: str


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop servers

    signal.signal(signal.SIGTERM, stop)


def say(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def _capture(env: dict[str, str], scenarios: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.capture", "--scenarios", scenarios],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"capturing the gateway's SQL failed:\n{done.stderr[-3000:]}")
    captured: dict[str, Any] = json.loads(done.stdout)
    return captured


class Bench:
    def __init__(
        self,
        settings: Settings,
        wrk: str,
        tokens: dict[str, str],
        work: Path,
        cpu_watch: CpuWatch,
    ) -> None:
        self.settings = settings
        self.cpu_watch = cpu_watch
        self.wrk = wrk
        self.tokens = tokens
        self.work = work
        self.run_id = secrets.token_hex(4)
        self.warmed: set[tuple[str, str]] = set()  # (server, scenario) pairs already warm

    def _body(self, scenario: Scenario, tag: str) -> bytes:
        return scenario.body().replace(UNIQUE_TAG, tag).encode()

    def _headers(self, scenario: Scenario) -> dict[str, str]:
        return {
            "authorization": f"Bearer {self.tokens[scenario.caller]}",
            "content-type": "application/json",
        }

    def _load(
        self, server: Server, scenario: Scenario, seconds: float, rate: float, label: str
    ) -> LoadResult:
        body_file = self.work / f"{scenario.key}.json"
        body_file.write_text(scenario.body(), encoding="utf-8")
        tag = f"{self.run_id}{server.name[0]}{label}" if scenario.writes else ""
        return run_wrk(
            self.wrk,
            f"{server.base_url}/graphql",
            body_file,
            self.tokens[scenario.caller],
            seconds=seconds,
            connections=self.settings.connections,
            rate=rate,
            unique_tag=tag,
        )

    def _quiesce(self, server: Server, timeout: float = 20.0) -> float:
        """Wait until the server has finished what the driver left in flight; its counter."""
        deadline = time.monotonic() + timeout
        last, last_cpu = server.statements(), server.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(QUIET_INTERVAL)
            now, cpu = server.statements(), server.cpu_seconds()
            # Idle: no statement and (almost) no CPU in the interval; the last requests of a
            # run can spend a while in Python after their last statement.
            if now == last and cpu - last_cpu < QUIET_INTERVAL / 10:
                return now
            last, last_cpu = now, cpu
        raise RuntimeError(f"{server.name} was still busy {timeout:.0f}s after the load stopped")

    def _statements_per_request(self, server: Server, scenario: Scenario) -> float:
        """Exact: a few sequential requests, and the server's counter before and after."""
        before = self._quiesce(server)
        for n in range(CALIBRATION_REQUESTS):
            body = self._body(scenario, f"{self.run_id}{server.name[0]}cal{n}")
            status, _ = http_post(f"{server.base_url}/graphql", body, self._headers(scenario))
            if status != 200:
                raise RuntimeError(f"{server.name} answered {status} to scenario {scenario.key}")
        return (self._quiesce(server) - before) / CALIBRATION_REQUESTS

    def _measured_slice(self, server: Server, scenario: Scenario, label: str) -> Slice:
        """One flat-out run, and the server's CPU and statements until it has finished the
        requests still in flight when the driver stopped."""
        cpu_before, statements_before = server.cpu_seconds(), server.statements()
        seconds = self.settings.seconds / self.settings.slices
        result = self._load(server, scenario, seconds, 0, label)
        statements = self._quiesce(server) - statements_before
        return Slice(result, server.cpu_seconds() - cpu_before, statements)

    def flat_out(self, targets: list[Target]) -> dict[str, tuple[LoadResult, float, float]]:
        """Warm-up and calibration, then runs as fast as each server answers, the targets
        taking turns slice by slice, so load from elsewhere on the machine falls on all alike.

        Per target: the combined run, CPU-ms per request and SQL statements per request. CPU
        is divided by the requests served, counted by the server's statements over its
        statements per request, so requests in flight when a slice ended count too.
        """
        per_request: dict[str, float] = {}
        for target in targets:
            pair = (target.server.name, target.scenario.key)
            if pair not in self.warmed:
                self._load(target.server, target.scenario, self.settings.warmup, 0, "w")
                self.warmed.add(pair)
            per_request[target.key] = self._statements_per_request(target.server, target.scenario)
        slices: dict[str, list[Slice]] = {target.key: [] for target in targets}
        for n in range(self.settings.slices):
            for target in targets:
                run = self._measured_slice(target.server, target.scenario, f"p{n}")
                slices[target.key].append(run)
        measured = {}
        for key, runs in slices.items():
            result = LoadResult.combine([run.result for run in runs])
            statements = sum(run.statements for run in runs)
            served = statements / per_request[key] if per_request[key] else 0.0
            served = max(served, float(result.requests), 1.0)
            cpu_ms = 1000 * sum(run.cpu_seconds for run in runs) / served
            measured[key] = (result, cpu_ms, per_request[key])
        return measured

    def scenario(
        self,
        scenario: Scenario,
        gateway: Server,
        baseline: Server,
        captured: dict[str, Any],
        reference: Scenario | None = None,
    ) -> ScenarioResult:
        """Both servers on `scenario`; with a `reference` (E's is B), that one too, in turns
        with it, for a ratio of neighbouring runs."""
        say(f"scenario {scenario.key}: {scenario.title}")
        started, before = time.monotonic(), self.cpu_watch.snapshot()
        comparison = check(
            scenario,
            captured[scenario.key],
            baseline,
            gateway,
            self._body(scenario, f"{self.run_id}chkb"),
            self._headers(scenario),
            self._body(scenario, f"{self.run_id}chkg"),
        )
        for problem in comparison.problems:
            say(f"  NOT COMPARABLE: {problem}")
        for server in (baseline, gateway):
            server.reset_peak_rss()
        targets = [Target("baseline", baseline, scenario), Target("gateway", gateway, scenario)]
        if reference is not None:
            targets += [
                Target("baseline-reference", baseline, reference),
                Target("gateway-reference", gateway, reference),
            ]
        flat = self.flat_out(targets)
        # Both paced at half the baseline's peak.
        rate = flat["baseline"][0].rate / 2
        paced = {}
        for server in (baseline, gateway):
            seconds = self.settings.paced_seconds
            paced[server.name] = self._load(server, scenario, seconds, rate, "r")
            self._quiesce(server)
        measurements = {}
        for target in targets:
            peak, cpu, sql = flat[target.key]
            measurements[target.key] = Measurement(
                peak=peak,
                cpu_ms_per_request=cpu,
                paced=paced.get(target.key),
                paced_target=rate,
                statements_per_request=sql,
                peak_rss_mib=target.server.peak_rss_mib(),
            )
        others = others_cores(before, self.cpu_watch.snapshot(), time.monotonic() - started)
        gate, base = measurements["gateway"].peak.rate, measurements["baseline"].peak.rate
        say(
            f"  gateway {gate:,.0f}/s, baseline {base:,.0f}/s (ratio {gate / max(base, 1e-9):.2f});"
            f" other processes used {others:.2f} cores meanwhile"
        )
        return ScenarioResult(
            scenario,
            measurements["gateway"],
            measurements["baseline"],
            comparison,
            others,
            reference=reference,
            gateway_reference=measurements.get("gateway-reference"),
            baseline_reference=measurements.get("baseline-reference"),
        )


def run(settings: Settings) -> int:
    try:
        wrk = ensure_wrk()
    except WrkMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    wanted = settings.scenarios.upper()
    chosen = sorted(by_key(wanted), key=lambda s: ORDER.index(s.key))
    keys = "".join(s.key for s in chosen)
    started = time.monotonic()
    load_before = os.getloadavg()
    results: dict[str, ScenarioResult] = {}
    with database.bench_server() as db_server, tempfile.TemporaryDirectory() as scratch:
        log: list[str] = []
        dsn = asyncio.run(database.prepare(db_server, log))
        for line in log:
            say(line)
        env = server_env(dsn)
        tokens = {email: mint_token(env, email) for email in CALLERS}
        say("capturing the gateway's SQL for each scenario")
        captured = _capture(env, keys)
        work = Path(scratch)
        # The servers' output (warnings and errors only) stays in bench/results for a look after.
        gateway = gateway_server(env, RESULTS_DIR)
        baseline = baseline_server(env, RESULTS_DIR)
        finished = False
        try:
            gateway.start()
            baseline.start()
            say(f"gateway pid {gateway.pid} on :{gateway.port}, "
                f"baseline pid {baseline.pid} on :{baseline.port}")  # fmt: skip
            pgdata = database.BENCH_DATA_DIR / "pg"
            postmaster = postmaster_pid(pgdata) if db_server.embedded else None
            watch = CpuWatch([gateway.pid, baseline.pid], postmaster)
            bench = Bench(settings, wrk, tokens, work, watch)
            for scenario in chosen:
                # E is measured in turns with B (the same query as the vendor admin).
                reference = by_key("B")[0] if scenario.key == "E" else None
                results[scenario.key] = bench.scenario(
                    scenario, gateway, baseline, captured, reference
                )
            finished = True
        finally:
            for server in (gateway, baseline):
                server.stop()
            if not finished:
                for server in (gateway, baseline):
                    if server.log_path.exists() and server.log_path.stat().st_size:
                        tail = server.log_path.read_text(errors="replace")[-3000:]
                        say(f"{server.name} log ({server.log_path}), last lines:\n{tail}")
    elapsed = time.monotonic() - started
    stamp = datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    path = RESULTS_DIR / f"{stamp}.json"
    write_json(
        path,
        results,
        {
            "date": datetime.now().isoformat(timespec="seconds"),
            "mode": settings.mode,
            "seconds_per_flat_out_run": settings.seconds,
            "seconds_per_paced_run": settings.paced_seconds,
            "flat_out_slices": settings.slices,
            "warmup_seconds": settings.warmup,
            "connections": settings.connections,
            "elapsed_seconds": round(elapsed, 1),
            "machine": {
                "cpus": os.cpu_count(),
                "load_average_before": [round(x, 2) for x in load_before],
                "python": platform.python_version(),
                "kernel": platform.release(),
            },
            "plan": {
                "partners": database.PLAN.partners,
                "deals_per_partner": database.PLAN.deals_per_partner,
            },
        },
    )
    print(f"## Benchmark ({settings.mode}: flat out {settings.seconds:g} s in "
          f"{settings.slices} turns, paced {settings.paced_seconds:g} s, "
          f"{settings.connections} connections; {elapsed:.0f} s in all)\n")  # fmt: skip
    print(markdown(results))
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print(summary_line(results))
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2 s per run (about a minute)")
    parser.add_argument("--seconds", type=float, help="seconds per measured run (both kinds)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds before each server's runs")
    parser.add_argument("--slices", type=int, help="turns per server in a flat-out run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--scenarios", default=ORDER, help="a subset, e.g. AE")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    settings = Settings(
        seconds=args.seconds or (2.0 if args.quick else 8.0),
        paced_seconds=args.seconds or (2.0 if args.quick else 6.0),
        slices=args.slices or (1 if args.quick else 4),
        warmup=args.warmup or (1.0 if args.quick else 2.0),
        connections=args.connections,
        scenarios=args.scenarios,
        mode=mode,
    )
    _stop_on_sigterm()
    sys.exit(run(settings))


if __name__ == "__main__":
    main()
