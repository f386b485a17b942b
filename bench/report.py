"""The report: a markdown table per scenario, the JSON record, and the one-line summary."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.load import LoadResult
from bench.scenarios import Scenario
from bench.verify import Check


@dataclass(frozen=True)
class Measurement:
    """One server on one scenario: flat out, then paced at the scenario's fixed rate."""

    peak: LoadResult
    cpu_ms_per_request: float  # during the flat-out run
    paced: LoadResult | None  # None: measured flat out only (E's reference runs)
    paced_target: float  # requests/s asked for; `paced.rate` is what was achieved
    statements_per_request: float
    peak_rss_mib: float

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "requests_per_second": round(self.peak.rate, 1),
            "cpu_ms_per_request": round(self.cpu_ms_per_request, 3),
            "sql_statements_per_request": round(self.statements_per_request, 2),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "flat_out_run": asdict(self.peak),
        }
        if self.paced is not None:
            found |= {
                "paced_target_per_second": round(self.paced_target, 1),
                "paced_achieved_per_second": round(self.paced.rate, 1),
                "p50_ms": round(self.paced.p50_ms, 2),
                "p99_ms": round(self.paced.p99_ms, 2),
                "paced_run": asdict(self.paced),
            }
        return found


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    gateway: Measurement
    baseline: Measurement
    check: Check
    others_cores: float  # CPU other processes on the machine used meanwhile, in cores
    # E: the same query as the vendor admin, measured in turns with the scenario's own runs.
    reference: Scenario | None = None
    gateway_reference: Measurement | None = None
    baseline_reference: Measurement | None = None

    @property
    def throughput_ratio(self) -> float:
        return _ratio(self.gateway.peak.rate, self.baseline.peak.rate)


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


# A paced run that fell this far short of its target found the server saturated: its latencies
# are mostly time queued, not time served.
SATURATED = 0.95


def _row(label: str, m: Measurement) -> str:
    paced = "| – | – | – |"
    if m.paced is not None:
        saturated = " (saturated)" if m.paced.rate < SATURATED * m.paced_target else ""
        paced = (
            f"| {m.paced.p50_ms:.1f} | {m.paced.p99_ms:.1f} | "
            f"{m.paced.rate:,.0f} of {m.paced_target:,.0f}{saturated} |"
        )
    return (
        f"| {label} | {m.peak.rate:,.0f} | {m.cpu_ms_per_request:.2f} {paced} "
        f"{m.statements_per_request:.2f} | {m.peak_rss_mib:.0f} |"
    )


def _ratio_row(label: str, a: Measurement, b: Measurement) -> str:
    latency = "| – | – |"
    if a.paced is not None and b.paced is not None:
        latency = (
            f"| {_ratio(a.paced.p50_ms, b.paced.p50_ms):.2f} | "
            f"{_ratio(a.paced.p99_ms, b.paced.p99_ms):.2f} |"
        )
    return (
        f"| {label} | **{_ratio(a.peak.rate, b.peak.rate):.2f}** | "
        f"{_ratio(a.cpu_ms_per_request, b.cpu_ms_per_request):.2f} {latency} | "
        f"{_ratio(a.statements_per_request, b.statements_per_request):.2f} | "
        f"{_ratio(a.peak_rss_mib, b.peak_rss_mib):.2f} |"
    )


HEADER = (
    "| server | requests/s | CPU-ms/request | p50 ms | p99 ms | paced req/s (achieved of target) "
    "| SQL/request | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


# Past this, other work on the machine took a noticeable share of its two cores.
BUSY_MACHINE_CORES = 0.2


def _problems(result: ScenarioResult) -> list[str]:
    notes = [f"> **not comparable:** {p}" for p in result.check.problems]
    if result.others_cores > BUSY_MACHINE_CORES:
        notes.append(
            f"> **busy machine:** other processes used {result.others_cores:.2f} of the 2 cores "
            "during this scenario; its numbers are low and noisy"
        )
    for name, m in (("gateway", result.gateway), ("baseline", result.baseline)):
        for run_name, run in (("flat-out", m.peak), ("paced", m.paced)):
            if run is None:
                continue
            bad = run.socket_errors + run.status_errors + run.bad_responses
            if bad:
                notes.append(
                    f"> **{name} {run_name} run had {bad} failed requests** "
                    f"(socket {run.socket_errors}, status {run.status_errors}, "
                    f"GraphQL errors {run.bad_responses})"
                )
    return notes


def markdown(results: dict[str, ScenarioResult]) -> str:
    parts: list[str] = []
    for key, result in results.items():
        if key == "E":
            continue
        s = result.scenario
        parts.append(f"### {s.key}. {s.title} (as {s.caller})\n")
        parts.append(HEADER)
        parts.append(_row("gateway", result.gateway))
        parts.append(_row("baseline", result.baseline))
        parts.append(_ratio_row("gateway/baseline", result.gateway, result.baseline))
        parts.extend(["", *_problems(result), ""] if _problems(result) else [""])
    if "E" in results:
        parts.extend(_authorization_table(results["E"]))
    return "\n".join(parts)


def _authorization_table(e: ScenarioResult) -> list[str]:
    assert e.reference is not None and e.gateway_reference and e.baseline_reference
    rep, admin = e.scenario.caller, e.reference.caller
    parts = [
        f"### E. cost of authorization: scenario B as {rep} versus as {admin}\n",
        "The four flat-out runs take turns; the latencies are the rep's, paced at half the "
        "baseline's rate for the rep.\n",
        HEADER,
        _row(f"gateway, {rep}", e.gateway),
        _row(f"gateway, {admin}", e.gateway_reference),
        _row(f"baseline, {rep}", e.baseline),
        _row(f"baseline, {admin}", e.baseline_reference),
        _ratio_row("gateway authorized/vendor-wide", e.gateway, e.gateway_reference),
        _ratio_row("baseline authorized/vendor-wide", e.baseline, e.baseline_reference),
        _ratio_row(f"gateway/baseline, {rep}", e.gateway, e.baseline),
    ]
    return [*parts, "", *_problems(e), ""] if _problems(e) else [*parts, ""]


def ratios(results: dict[str, ScenarioResult]) -> dict[str, float]:
    found = {k: r.throughput_ratio for k, r in results.items() if k in "ABCD"}
    e = results.get("E")
    if e is not None and e.gateway_reference is not None:
        found["E"] = _ratio(e.gateway.peak.rate, e.gateway_reference.peak.rate)
    return found


def summary_line(results: dict[str, ScenarioResult]) -> str:
    found = ratios(results)
    parts = [f"{k} {found[k]:.2f}" for k in "ABCD" if k in found]
    line = "ratios gateway/baseline throughput: " + ", ".join(parts)
    if "E" in found:
        line += f"; E authorized/vendor-wide: {found['E']:.2f}"
    return line


def write_json(path: Path, results: dict[str, ScenarioResult], run_info: dict[str, Any]) -> None:
    record = {
        **run_info,
        "ratios": {k: round(v, 3) for k, v in ratios(results).items()},
        "scenarios": {
            key: {
                "title": r.scenario.title,
                "operation": f"bench/operations/{r.scenario.operation_file}",
                "caller": r.scenario.caller,
                "gateway": r.gateway.as_json(),
                "baseline": r.baseline.as_json(),
                **(
                    {
                        "reference_caller": r.reference.caller,
                        "gateway_reference": r.gateway_reference.as_json(),
                        "baseline_reference": r.baseline_reference.as_json(),
                    }
                    if r.reference and r.gateway_reference and r.baseline_reference
                    else {}
                ),
                "throughput_ratio": round(r.throughput_ratio, 3),
                "comparable": r.check.ok,
                "other_processes_cores": round(r.others_cores, 2),
                "problems": r.check.problems,
                "gateway_sql": r.check.gateway_statements,
            }
            for key, r in results.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
