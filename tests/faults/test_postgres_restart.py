"""Postgres stopped and started again under load: fast, coded failures while it is away, and
the same gateway process serving again once it is back (the pool reconnects by itself)."""

from __future__ import annotations

import asyncio

import httpx

from tests.faults.postgres import StoppablePostgres
from tests.support.gateway_process import gateway_process
from tests.support.hygiene import checked_body, error_codes

QUERY = "{ deals(first: 5) { totalCount nodes { id customerName } } }"
UNAVAILABLE = "DATABASE_UNAVAILABLE"
# A bound on any one answer, not a speed claim: a request that waited on a dead database for
# asyncpg's default minute would fail here.
ANSWER_WITHIN_SECONDS = 10


def outcome(response: httpx.Response) -> str:
    """"ok" for full data, the error code otherwise; the answer must leak nothing."""
    body = checked_body(response)
    codes = error_codes(body)
    if not codes:
        assert response.status_code == 200
        assert body["data"]["deals"]["totalCount"] == 40, body
        return "ok"
    assert set(codes) == {UNAVAILABLE}, body
    assert response.status_code in (200, 503), response.status_code
    return UNAVAILABLE


class Load:
    """Clients sending the query again and again; every outcome is kept, in order."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.http = http
        self.headers = headers
        self.seen: list[str] = []
        self._answered = asyncio.Event()

    async def ask(self) -> str:
        response = await self.http.post("/graphql", json={"query": QUERY}, headers=self.headers)
        return outcome(response)

    async def _client(self) -> None:
        while True:
            self.seen.append(await self.ask())
            self._answered.set()
            await asyncio.sleep(0.01)

    async def more(self, count: int) -> None:
        """Until `count` more answers have come in."""
        target = len(self.seen) + count
        while len(self.seen) < target:
            self._answered.clear()
            await self._answered.wait()

    def start(self, clients: int) -> list[asyncio.Task[None]]:
        return [asyncio.create_task(self._client()) for _ in range(clients)]


async def test_postgres_restart_under_load(
    fault_postgres: StoppablePostgres, fault_dsn: str, admin_headers: dict[str, str]
) -> None:
    async with (
        gateway_process(fault_dsn, DB_POOL_MIN="2", DB_POOL_MAX="4") as gateway,
        httpx.AsyncClient(base_url=gateway.base_url, timeout=ANSWER_WITHIN_SECONDS) as http,
    ):
        load = Load(http, admin_headers)
        clients = load.start(4)
        try:
            await load.more(20)
            async with fault_postgres.stopped():
                # While it is away: every request answers, with the code and nothing else.
                down = [await load.ask() for _ in range(10)]
                assert down == [UNAVAILABLE] * 10
                ready = await http.get("/readyz")
                assert ready.status_code == 503
                assert ready.json() == {"status": "unavailable", "reason": "database unreachable"}
            # The first requests may still meet connections that died with the old server.
            for _ in range(50):
                if await load.ask() == "ok":
                    break
                await asyncio.sleep(0.1)
            assert [await load.ask() for _ in range(10)] == ["ok"] * 10
            assert (await http.get("/readyz")).status_code == 200
            await load.more(20)
        finally:
            for client in clients:
                client.cancel()
            results = await asyncio.gather(*clients, return_exceptions=True)
        # Each load client ran until cancelled: outcome() accepted every answer it had.
        failures = [r for r in results if not isinstance(r, asyncio.CancelledError)]
        assert failures == [], gateway.output()[-8000:]
        assert set(load.seen) <= {"ok", UNAVAILABLE}
        assert load.seen[-20:] == ["ok"] * 20
        assert gateway.process.returncode is None  # the same process throughout
