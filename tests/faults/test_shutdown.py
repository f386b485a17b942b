"""SIGTERM: the request in flight is answered in full, new connections are refused, open
subscriptions are told to reconnect, and the process exits cleanly once it is done."""

from __future__ import annotations

import asyncio
import signal

import asyncpg
import httpx
import pytest

from tests.subscriptions.ws import signed_in
from tests.support.gateway_process import gateway_process
from tests.support.hygiene import checked_body

DEALS = "{ deals(first: 2) { totalCount } }"


async def _waiting_on_lock(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        waiting: bool = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity"
            " WHERE application_name = 'partner-gateway' AND wait_event_type = 'Lock')"
        )
        return waiting
    finally:
        await conn.close()


async def test_sigterm_drains_the_request_in_flight(
    fault_dsn: str, admin_headers: dict[str, str]
) -> None:
    # INFO: uvicorn says when the application's shutdown (pool, background tasks) completed.
    async with gateway_process(
        fault_dsn, DB_STATEMENT_TIMEOUT_MS="30000", LOG_LEVEL="info"
    ) as gateway:
        lock = await asyncpg.connect(fault_dsn)
        try:
            await lock.execute("BEGIN; LOCK TABLE deals IN ACCESS EXCLUSIVE MODE")
            async with httpx.AsyncClient(base_url=gateway.base_url, timeout=30) as http:
                in_flight = asyncio.create_task(
                    http.post("/graphql", json={"query": DEALS}, headers=admin_headers)
                )
                for _ in range(200):
                    if await _waiting_on_lock(fault_dsn):
                        break
                    await asyncio.sleep(0.05)
                else:
                    pytest.fail("the request never reached the database")

                gateway.send_signal(signal.SIGTERM)
                # New connections are refused while the old request is still being served.
                for _ in range(100):
                    try:
                        async with httpx.AsyncClient(timeout=5) as fresh:
                            await fresh.get(f"{gateway.base_url}/healthz")
                    except httpx.ConnectError:
                        break
                    await asyncio.sleep(0.05)
                else:
                    pytest.fail("the server still accepted connections after SIGTERM")
                assert not in_flight.done()
                assert gateway.process.returncode is None

                await lock.execute("ROLLBACK")  # the request's statement may go on now
                response = await in_flight
        finally:
            await lock.close()
        assert response.status_code == 200
        assert checked_body(response)["data"]["deals"]["totalCount"] == 40
        # uvicorn shuts down, then raises the signal again so the exit status tells what
        # ended the process.
        assert await asyncio.wait_for(gateway.process.wait(), timeout=15) == -signal.SIGTERM
        output = gateway.output()
        assert "Application shutdown complete." in output
        assert "Traceback" not in output


async def test_sigterm_closes_open_subscriptions_and_exits(
    fault_dsn: str, admin_headers: dict[str, str]
) -> None:
    """A subscriber may listen for hours: shutting down must not wait for it, and must tell it
    to reconnect (1012, service restart) rather than drop it silently."""
    async with gateway_process(fault_dsn) as gateway:
        ws_url = gateway.base_url.replace("http://", "ws://") + "/graphql"
        async with signed_in(ws_url, admin_headers) as socket:
            await socket.subscribe("deals", "subscription { dealStatusChanged { status } }")
            await socket.silent_for(0.5)  # subscribed, nothing happening
            gateway.send_signal(signal.SIGTERM)
            assert await socket.close_code() == 1012
        assert await asyncio.wait_for(gateway.process.wait(), timeout=15) == -signal.SIGTERM
