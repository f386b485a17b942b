"""A circuit that opens when the org's API allowance is spent and stays open for minutes.

Hand-written on purpose: the contract opens it on one specific answer (403 REQUEST_LIMIT_EXCEEDED),
not on a failure count, which is what the breaker libraries (pybreaker, aiobreaker) model, and
neither of them is asyncio-native and well kept. It is a deadline, nothing more.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gateway.crm.errors import CrmCircuitOpen


class AllowanceCircuit:
    """Closed until `trip()`; then every `check()` raises until `open_seconds` have passed."""

    def __init__(self, open_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._open_seconds = open_seconds
        self._clock = clock
        self._open_until: float | None = None

    @property
    def is_open(self) -> bool:
        return self._open_until is not None and self._clock() < self._open_until

    def trip(self) -> None:
        self._open_until = self._clock() + self._open_seconds

    def check(self) -> None:
        if self._open_until is None:
            return
        remaining = self._open_until - self._clock()
        if remaining <= 0:
            self._open_until = None  # half-open: the next call is the probe
            return
        raise CrmCircuitOpen(
            f"CRM calls are paused for {remaining:.0f} s more: the org's API allowance ran out",
            retry_in=remaining,
        )
