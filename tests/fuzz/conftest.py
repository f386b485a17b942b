"""The live server the fuzz run talks to, on the shared seeded database, and a client per caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest

from tests.support.gateway_process import GatewayProcess, gateway_process

CALLERS = ["rep@acme.example", "admin@vendor.example"]
Clients = dict[str, tuple[httpx.Client, dict[str, str]]]


@pytest.fixture(scope="module")
async def fuzz_server(seeded_dsn: str) -> AsyncIterator[GatewayProcess]:
    # Rate limits are not under test here, and 100 requests a minute per caller would reach them.
    async with gateway_process(seeded_dsn, RATE_LIMIT_PER_USER="off") as process:
        yield process


@pytest.fixture(scope="module")
def http(fuzz_server: GatewayProcess, tokens: Callable[[str], str]) -> Iterator[Clients]:
    with httpx.Client(base_url=fuzz_server.base_url, timeout=30) as client:
        yield {
            email: (client, {"authorization": f"Bearer {tokens(email)}"}) for email in CALLERS
        }
