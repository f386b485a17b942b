"""Fault switches: added latency, 5xx answers (a seeded rate, or the next N requests), held
requests, and the API allowance running out. Set by CLI flags and by `/__sandbox/faults`."""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from gateway.crm_sandbox.stats import ApiUsage, Stats


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: int = 0
    # A share of requests (0..1) answered with `error_status`; reproducible through `error_seed`.
    error_rate: float = 0.0
    error_seed: int = 0
    error_status: int = 503
    # The next N requests are answered with `error_status` (no randomness, for exact tests).
    fail_next: int = 0
    # After N more API calls, 403 REQUEST_LIMIT_EXCEEDED; None is the org's normal allowance.
    api_allowance: int | None = None
    # The next N requests are held for `hang_seconds` or until released, then answered normally.
    hang_next: int = 0
    hang_seconds: float = 30.0

    def __post_init__(self) -> None:
        problems = []
        if self.latency_ms < 0:
            problems.append("latency_ms must be >= 0")
        if not 0.0 <= self.error_rate <= 1.0:
            problems.append("error_rate must be between 0 and 1")
        if not 500 <= self.error_status <= 599:
            problems.append("error_status must be a 5xx status")
        if self.fail_next < 0 or self.hang_next < 0:
            problems.append("fail_next and hang_next must be >= 0")
        if self.api_allowance is not None and self.api_allowance < 0:
            problems.append("api_allowance must be >= 0 or null")
        if self.hang_seconds < 0:
            problems.append("hang_seconds must be >= 0")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def merged(cls, base: FaultSettings, changes: dict[str, Any]) -> FaultSettings:
        """`base` with the JSON `changes` applied; unknown keys and wrong types raise ValueError."""
        types = {f.name: f.type for f in fields(cls)}
        for key, value in changes.items():
            if key not in types:
                raise ValueError(f"unknown fault setting {key!r}")
            wanted = types[key]
            if value is None and "None" in str(wanted):
                continue
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if not numeric or ("int" in str(wanted) and not isinstance(value, int)):
                raise ValueError(f"{key} must be a number ({wanted})")
        return replace(base, **changes)


class Faults:
    """The live fault state of one sandbox (settings, the error RNG, held requests)."""

    def __init__(self, settings: FaultSettings, usage: ApiUsage, stats: Stats) -> None:
        self.usage = usage
        self._stats = stats
        self._release = asyncio.Event()
        self.held = 0
        self.settings = settings
        self._rng = random.Random(settings.error_seed)
        usage.set_allowance(settings.api_allowance)

    def update(self, changes: dict[str, Any]) -> None:
        self.settings = FaultSettings.merged(self.settings, changes)
        if "error_seed" in changes or "error_rate" in changes:
            # Setting a rate starts its draws over, so a test sees the same sequence each time.
            self._rng = random.Random(self.settings.error_seed)
        if "api_allowance" in changes:
            self.usage.set_allowance(self.settings.api_allowance)

    def release_held(self) -> int:
        """Let every held request go on; how many there were."""
        released = self.held
        self._release.set()
        self._release = asyncio.Event()
        return released

    def describe(self) -> dict[str, Any]:
        return {
            **asdict(self.settings),
            "held_requests": self.held,
            "api_usage": {"used": self.usage.used, "limit": self.usage.limit},
        }

    async def before_request(self) -> int | None:
        """Apply hang, latency and errors to a CRM request; a 5xx status to answer, or None."""
        settings = self.settings
        if settings.hang_next > 0:
            self.settings = replace(settings, hang_next=settings.hang_next - 1)
            self._stats.count("faults_hang")
            await self._hold(settings.hang_seconds)
        settings = self.settings  # they may have changed while the request was held
        if settings.latency_ms > 0:
            self._stats.count("faults_latency")
            await asyncio.sleep(settings.latency_ms / 1000)
            settings = self.settings
        if settings.fail_next > 0:
            self.settings = replace(settings, fail_next=settings.fail_next - 1)
            self._stats.count("faults_error")
            return settings.error_status
        if settings.error_rate > 0 and self._rng.random() < settings.error_rate:
            self._stats.count("faults_error")
            return settings.error_status
        return None

    async def _hold(self, seconds: float) -> None:
        release = self._release
        self.held += 1
        try:
            await asyncio.wait_for(release.wait(), timeout=seconds)
        except TimeoutError:
            pass
        finally:
            self.held -= 1
