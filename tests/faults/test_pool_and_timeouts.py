"""A statement stuck behind a lock is cancelled by the per-request statement timeout with a
clear code; a pool full of stuck requests never opens more connections than its maximum, and
serves again once they are released."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from tests.support.gateway_process import GatewayProcess, gateway_process
from tests.support.hygiene import checked_body, error_codes

DEALS = "{ deals(first: 2) { totalCount } }"
PARTNERS = "{ partners(first: 2) { totalCount } }"
POOL_MAX = 2
TIMEOUT_MS = 500


@pytest.fixture(scope="module")
async def gateway(fault_dsn: str) -> AsyncIterator[GatewayProcess]:
    async with gateway_process(
        fault_dsn,
        DB_POOL_MIN="1",
        DB_POOL_MAX=str(POOL_MAX),
        DB_STATEMENT_TIMEOUT_MS=str(TIMEOUT_MS),
    ) as process:
        yield process


async def _deals_locked(dsn: str) -> asyncpg.Connection:
    """A connection holding an exclusive lock on deals (until it is closed)."""
    conn = await asyncpg.connect(dsn)
    await conn.execute("BEGIN; LOCK TABLE deals IN ACCESS EXCLUSIVE MODE")
    return conn


async def _gateway_connections(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'partner-gateway'"
        )
        return count
    finally:
        await conn.close()


async def test_statement_timeout_cancels_a_stuck_query(
    gateway: GatewayProcess, fault_dsn: str, admin_headers: dict[str, str]
) -> None:
    lock = await _deals_locked(fault_dsn)
    try:
        async with httpx.AsyncClient(base_url=gateway.base_url, timeout=15) as http:
            response = await http.post("/graphql", json={"query": DEALS}, headers=admin_headers)
    finally:
        await lock.close()
    body = checked_body(response)
    assert body["data"] is None
    assert error_codes(body) == ["TIMEOUT"]
    assert body["errors"][0]["message"] == "The query took too long and was stopped"
    assert body["errors"][0]["path"] == ["deals"]


async def test_exhausted_pool_holds_and_recovers(
    gateway: GatewayProcess, fault_dsn: str, admin_headers: dict[str, str]
) -> None:
    lock = await _deals_locked(fault_dsn)
    try:
        async with httpx.AsyncClient(base_url=gateway.base_url, timeout=30) as http:

            async def ask(query: str) -> httpx.Response:
                return await http.post("/graphql", json={"query": query}, headers=admin_headers)

            stuck = [asyncio.create_task(ask(DEALS)) for _ in range(3 * POOL_MAX)]
            # A query that needs no locked table waits for a free connection, then is served.
            other = await ask(PARTNERS)
            assert (await _gateway_connections(fault_dsn)) <= POOL_MAX
            answers = await asyncio.gather(*stuck)
    finally:
        await lock.close()
    assert other.status_code == 200
    assert checked_body(other)["data"]["partners"]["totalCount"] == 2
    for answer in answers:
        assert error_codes(checked_body(answer)) == ["TIMEOUT"]
    # The cancelled statements left no connection unusable.
    async with httpx.AsyncClient(base_url=gateway.base_url, timeout=15) as http:
        for _ in range(2 * POOL_MAX):
            again = await http.post("/graphql", json={"query": DEALS}, headers=admin_headers)
            assert checked_body(again)["data"]["deals"]["totalCount"] == 40
