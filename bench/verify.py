"""Are the two servers comparable? The same statements (against the capture) and the same JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.scenarios import Scenario
from bench.servers import Server, http_get, http_post

# asyncpg's own look-ups of a type's codec, the first time a connection meets the type; not
# statements of the scenario (the gateway's pool warms most types up before counting).
_DRIVER_QUERIES = ("typeinfo_tree", "set_config('jit'")
# What differs between two registrations of scenario D by design: the new row and its customer.
_VOLATILE_DEAL_KEYS = ("id", "customerName", "customerDomain")


def normalise(query: str) -> str:
    return " ".join(query.split())


def scenario_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scenario's statements: whitespace normalised, the driver's type look-ups left out."""
    return [
        {"query": normalise(s["query"]), "args": [str(a) for a in s["args"]]}
        for s in statements
        if not any(marker in s["query"] for marker in _DRIVER_QUERIES)
    ]


@dataclass
class Check:
    """One scenario's comparison; `problems` empty means the baseline is a faithful twin."""

    scenario: str
    gateway_statements: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _comparable(scenario: Scenario, answer: Any) -> Any:
    if scenario.writes and isinstance(answer, dict):
        deal = (answer.get("data") or {}).get("registerDeal", {}).get("deal")
        if isinstance(deal, dict):
            for key in _VOLATILE_DEAL_KEYS:
                deal[key] = "<varies>"
    return answer


def _differences(gateway: list[dict[str, Any]], baseline: list[dict[str, Any]], args: bool) -> str:
    def key(s: dict[str, Any]) -> str:
        return str(s["query"]) + (" | " + json.dumps(s["args"]) if args else "")

    missing = Counter(map(key, gateway)) - Counter(map(key, baseline))
    extra = Counter(map(key, baseline)) - Counter(map(key, gateway))
    lines = [f"only the gateway runs: {q[:300]}" for q in missing]
    lines += [f"only the baseline runs: {q[:300]}" for q in extra]
    return "\n      ".join(lines)


def check(
    scenario: Scenario,
    captured: dict[str, Any],
    baseline: Server,
    gateway: Server,
    body: bytes,
    headers: dict[str, str],
    fresh_body: bytes,
) -> Check:
    """`captured`: bench.capture's record of the scenario. Sends the scenario to both servers."""
    gateway_sql = scenario_statements(captured["statements"])
    result = Check(scenario.key, [s["query"] for s in gateway_sql])
    url = "/graphql"
    http_post(f"{baseline.base_url}/_bench/statements", b"", {})
    status, baseline_body = http_post(f"{baseline.base_url}{url}", body, headers)
    _, recorded = http_get(f"{baseline.base_url}/_bench/statements")
    baseline_sql = scenario_statements(json.loads(recorded)["statements"])
    # Writes carry fresh values each time: compare their statements' text only.
    diff = _differences(gateway_sql, baseline_sql, args=not scenario.writes)
    if diff:
        result.problems.append(f"SQL differs from the gateway's:\n      {diff}")
    gateway_status, gateway_body = http_post(f"{gateway.base_url}{url}", fresh_body, headers)
    if status != 200 or gateway_status != 200:
        result.problems.append(f"HTTP status: gateway {gateway_status}, baseline {status}")
    gateway_json = _comparable(scenario, json.loads(gateway_body))
    baseline_json = _comparable(scenario, json.loads(baseline_body))
    if "errors" in gateway_json:
        result.problems.append(f"the gateway answered errors: {gateway_json['errors']}")
    where = first_difference(gateway_json, baseline_json)
    if where is not None:
        result.problems.append(f"JSON differs at {where}")
    return result


def first_difference(gateway: Any, baseline: Any, path: str = "$") -> str | None:
    """Where two JSON values first differ, with both values there; None when equal."""
    if isinstance(gateway, dict) and isinstance(baseline, dict):
        if list(gateway) != list(baseline):
            return f"{path}: keys {list(gateway)} vs {list(baseline)}"
        for key in gateway:
            found = first_difference(gateway[key], baseline[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(gateway, list) and isinstance(baseline, list):
        if len(gateway) != len(baseline):
            return f"{path}: {len(gateway)} items vs {len(baseline)}"
        for index, (g, b) in enumerate(zip(gateway, baseline, strict=True)):
            found = first_difference(g, b, f"{path}[{index}]")
            if found:
                return found
        return None
    if gateway != baseline:
        shown = json.dumps(gateway)[:200], json.dumps(baseline)[:200]
        return f"{path}: gateway {shown[0]} vs baseline {shown[1]}"
    return None
