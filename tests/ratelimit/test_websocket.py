"""Operations over the websocket spend the same request budget as over HTTP: a caller over
budget cannot go on by sending its queries as `subscribe` messages instead."""

from __future__ import annotations

from pathlib import Path

import httpx

from gateway.ratelimit.middleware import RATE_LIMITED
from tests.ratelimit.conftest import ADMIN
from tests.subscriptions.servers import live_server
from tests.subscriptions.ws import signed_in

QUERY = "{ __typename }"


async def test_websocket_operations_spend_the_http_budget(
    ratelimit_dsn: str, tmp_path: Path
) -> None:
    env = {"RATE_LIMIT_PER_USER": "4/minute"}
    async with live_server(ratelimit_dsn, tmp_path / "server.log", **env) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            for _ in range(2):
                response = await http.post("/graphql", json={"query": QUERY}, headers=ADMIN)
                assert response.status_code == 200
        async with signed_in(server.ws_url, ADMIN) as socket:
            for op_id in ("third", "fourth"):
                await socket.subscribe(op_id, QUERY)
                assert (await socket.next_payload(op_id))["data"] == {"__typename": "Query"}
                assert await socket.receive() == {"id": op_id, "type": "complete"}
            await socket.subscribe("fifth", QUERY)
            refused = await socket.receive()
            assert (refused["type"], refused["id"]) == ("error", "fifth"), refused
            [error] = refused["payload"]
            assert error["extensions"]["code"] == RATE_LIMITED
            assert 1 <= error["extensions"]["retryAfter"] <= 60
        # And the budget the websocket spent is gone over HTTP too.
        async with httpx.AsyncClient(base_url=server.url) as http:
            response = await http.post("/graphql", json={"query": QUERY}, headers=ADMIN)
            assert response.status_code == 429
