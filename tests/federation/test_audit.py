"""References outside the grant reach the audit trail folded: one denial per type per request."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import Settings
from gateway.schema.node import from_global_id
from tests.federation.conftest import SeededIds
from tests.support.graphql import GraphQLClient

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


@pytest.fixture(scope="module")
async def app(seeded_dsn: str, settings: Settings) -> AsyncIterator[Starlette]:
    """An app of our own, so the test can flush its audit buffer."""
    app = create_app(settings, seeded_dsn)
    async with app.router.lifespan_context(app):
        yield app


async def test_out_of_scope_references_are_audited_once_per_type(
    app: Starlette, tokens: Callable[[str], str], seeded_ids: SeededIds
) -> None:
    ids = seeded_ids
    request_id = f"federation-{uuid.uuid4().hex}"
    headers = {"authorization": f"Bearer {tokens('rep@acme.example')}", "x-request-id": request_id}
    references = [
        {"__typename": "Deal", "id": ids.globex_deal},
        {"__typename": "Deal", "id": ids.acme_other_deal},
        {"__typename": "Partner", "id": ids.globex},
        {"__typename": "Deal", "id": ids.rep_deal},  # the rep's own: no denial
    ]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        data = await GraphQLClient(http, headers=headers).data(ENTITIES, {"r": references})
    assert data["_entities"] == [None, None, None, {"__typename": "Deal"}]
    await app.state.audit.flush()
    rows = await app.state.pool.fetch(
        "SELECT subject, operation, object_type, object_id, outcome FROM audit_events "
        "WHERE request_id = $1 ORDER BY object_type",
        request_id,
    )
    assert [tuple(r.values()) for r in rows] == [
        ("rep@acme.example", "entities", "Deal", from_global_id(ids.globex_deal)[1], "DENIED"),
        ("rep@acme.example", "entities", "Partner", from_global_id(ids.globex)[1], "DENIED"),
    ]
