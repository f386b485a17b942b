"""The safelist holds over the websocket too: a live gateway process, graphql-transport-ws."""

from __future__ import annotations

from pathlib import Path

from tests.persisted.conftest import PARTNER_ADMIN, REP
from tests.persisted.test_safelist import FREE_TEXT, PIPELINE
from tests.subscriptions.servers import live_server
from tests.subscriptions.ws import signed_in

LEADS = "subscription { leadAssigned { id } }"


async def test_a_held_role_runs_only_manifest_operations_over_the_websocket(
    ratelimit_dsn: str, tmp_path: Path
) -> None:
    env = {"PERSISTED_OPERATIONS_REQUIRED_ROLES": "partner_rep"}
    async with live_server(ratelimit_dsn, tmp_path / "server.log", **env) as server:
        async with signed_in(server.ws_url, REP) as socket:
            for op_id, query in (("free", FREE_TEXT), ("leads", LEADS)):
                await socket.subscribe(op_id, query)
                refused = await socket.receive()
                assert (refused["type"], refused["id"]) == ("error", op_id), refused
                [error] = refused["payload"]
                assert error["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
            await socket.subscribe("pipeline", PIPELINE.body)
            payload = await socket.next_payload("pipeline")
            assert "errors" not in payload and payload["data"]["deals"] is not None
        async with signed_in(server.ws_url, PARTNER_ADMIN) as socket:
            await socket.subscribe("free", FREE_TEXT)
            assert (await socket.next_payload("free"))["data"]["tiers"]
