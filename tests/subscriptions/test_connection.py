"""The websocket: graphql-transport-ws only, signed in at connection_init with the same
credentials as HTTP, refused with 4403 otherwise, and a cap on subscriptions per connection."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import httpx
import pytest

from gateway.auth.api_keys import IssuedApiKey, issue_api_key
from gateway.store.notifications import LEAD_ASSIGNED
from tests.subscriptions.conftest import (
    MAX_PER_CONNECTION,
    People,
    assign_lead,
    expired_token,
    some_leads,
)
from tests.subscriptions.servers import LiveServer
from tests.subscriptions.ws import open_socket, signed_in

Bearer = Callable[[str], dict[str, str]]
LEADS = "subscription { leadAssigned { id } }"
FORBIDDEN_CLOSE = 4403


async def acme_key(db: asyncpg.Pool, *scopes: str) -> IssuedApiKey:
    return await issue_api_key(
        db,
        name=f"Acme system ({', '.join(scopes)})",
        partner_slug="acme",
        scopes=scopes,
        role="partner_system",
        expires_at=None,
        created_by="test",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {expired_token('rep@acme.example', 'partner_rep', 'acme')}"},
        {"X-API-Key": "pgw_000000000000_notthesecret"},
        {"authorization": "Basic cmVwOnBhc3N3b3Jk"},
    ],
    ids=["none", "garbage", "expired", "unknown-key", "not-bearer"],
)
async def test_bad_credentials_are_refused_at_connection_init(
    gateway_a: LiveServer, payload: dict[str, str]
) -> None:
    async with open_socket(gateway_a.ws_url) as socket:
        await socket.send({"type": "connection_init", "payload": payload})
        assert await socket.close_code() == FORBIDDEN_CLOSE


async def test_both_credentials_at_once_are_refused(gateway_a: LiveServer, bearer: Bearer) -> None:
    payload = {**bearer("rep@acme.example"), "X-API-Key": "pgw_000000000000_whatever"}
    async with open_socket(gateway_a.ws_url) as socket:
        await socket.send({"type": "connection_init", "payload": payload})
        assert await socket.close_code() == FORBIDDEN_CLOSE


async def test_subscribing_before_signing_in_is_refused(gateway_a: LiveServer) -> None:
    async with open_socket(gateway_a.ws_url) as socket:
        await socket.subscribe("1", LEADS)
        assert await socket.close_code() == 4401


async def test_lower_case_keys_and_api_keys_sign_in(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, tokens: Callable[[str], str]
) -> None:
    issued = await acme_key(db, "read")
    [lead] = await some_leads(db, 1, 7)
    lower_token = {"authorization": f"Bearer {tokens('admin@acme.example')}"}
    async with (
        signed_in(gateway_a.ws_url, {"x-api-key": issued.key}) as by_key,
        signed_in(gateway_a.ws_url, lower_token) as by_token,
    ):
        await by_key.subscribe("k", LEADS)
        await by_token.subscribe("t", LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, 2)
        await assign_lead(db, lead, people.partner_ids["acme"], None)
        for socket, op_id in ((by_key, "k"), (by_token, "t")):
            payload = await socket.next_payload(op_id)
            assert payload["data"]["leadAssigned"]["id"]


async def test_the_subscription_cap_per_connection(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, bearer: Bearer
) -> None:
    [lead] = await some_leads(db, 1, 8)
    async with (
        signed_in(gateway_a.ws_url, bearer("admin@acme.example")) as socket,
        signed_in(gateway_a.ws_url, bearer("admin@acme.example")) as another,
    ):
        for n in range(MAX_PER_CONNECTION):
            await socket.subscribe(str(n), LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, MAX_PER_CONNECTION)
        await socket.subscribe("one-too-many", LEADS)
        refused = await socket.receive()
        assert refused["type"] == "error" and refused["id"] == "one-too-many"
        assert refused["payload"][0]["message"] == "Subscription limit reached"
        # The cap is per connection: another socket of the same person may subscribe.
        await another.subscribe("1", LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, MAX_PER_CONNECTION + 1)
        await assign_lead(db, lead, people.partner_ids["acme"], None)
        heard = {(await socket.receive())["id"] for _ in range(MAX_PER_CONNECTION)}
        assert heard == {str(n) for n in range(MAX_PER_CONNECTION)}
        assert (await another.next_payload("1"))["data"]["leadAssigned"]


async def test_a_caller_who_may_not_read_leads_is_told_so(
    gateway_a: LiveServer, db: asyncpg.Pool
) -> None:
    write_only = await acme_key(db, "write")
    async with signed_in(gateway_a.ws_url, {"X-API-Key": write_only.key}) as socket:
        await socket.subscribe("1", LEADS)
        refused = await socket.next_payload("1")
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert await socket.receive() == {"id": "1", "type": "complete"}


async def test_a_bad_subscription_gets_a_coded_error_and_no_hints(
    gateway_a: LiveServer, bearer: Bearer
) -> None:
    async with signed_in(gateway_a.ws_url, bearer("rep@acme.example")) as socket:
        await socket.subscribe("1", "subscription { leadAssigned { id emai } }")
        refused = await socket.receive()
    assert refused["type"] == "error"
    [error] = refused["payload"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in error["message"]


async def test_only_graphql_transport_ws_is_spoken(gateway_a: LiveServer) -> None:
    async with open_socket(gateway_a.ws_url, protocol="graphql-ws") as legacy:
        assert await legacy.close_code() == 4406


async def test_subscriptions_are_not_served_over_http(
    gateway_a: LiveServer, tokens: Callable[[str], str]
) -> None:
    headers = {"authorization": f"Bearer {tokens('admin@acme.example')}"}
    async with httpx.AsyncClient(base_url=gateway_a.url, timeout=5) as http:
        response = await http.post(
            "/graphql", json={"query": LEADS}, headers={**headers, "accept": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert "subscriptions are not allowed" in response.text
        # Multipart (incremental delivery) is not offered: GraphQL over HTTP's 406.
        multipart = await http.post(
            "/graphql",
            json={"query": LEADS},
            headers={**headers, "accept": "multipart/mixed;subscriptionSpec=1.0"},
        )
        assert multipart.status_code == 406, multipart.text
        assert multipart.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
        by_get = await http.get("/graphql", params={"query": LEADS}, headers=headers)
        assert by_get.status_code == 400
