"""`auditEvents`: the whole trail for vendor admins, their organisation's for partner admins,
FORBIDDEN for everyone else; filters and paging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.audit.events import ALLOWED, DENIED, FAILED, AuditEvent
from gateway.auth.api_keys import issue_api_key
from gateway.config import Settings
from gateway.schema.node import to_global_id
from gateway.seed import SeedPlan
from gateway.store import audit as audit_store
from tests.support.graphql import GraphQLClient
from tests.support.postgres import seeded_database

PLAN = SeedPlan(partners=4, deals_per_partner=5, leads_per_partner=3, seed=5)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)

TRAIL = """
query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      occurredAt requestId subject role operation objectType objectId outcome reason
      partner { slug }
    }
  }
}
"""


@dataclass
class Gateway:
    app: Starlette
    http: httpx.AsyncClient
    db: asyncpg.Pool
    tokens: Callable[[str], str]
    acme_id: int
    globex_id: int

    def as_(self, email: str) -> GraphQLClient:
        return GraphQLClient(self.http, headers={"authorization": f"Bearer {self.tokens(email)}"})

    async def settle(self) -> None:
        """Write the buffered denials now, so the table holds everything said so far."""
        await self.app.state.audit.flush()

    async def count(self, where: str = "true", *args: Any) -> int:
        await self.settle()
        sql = f"SELECT count(*) FROM audit_events WHERE {where}"
        total: int = await self.db.fetchval(sql, *args)
        return total


def event(
    subject: str, partner_id: int | None, outcome: str, **fields: Any
) -> AuditEvent:
    defaults: dict[str, Any] = {
        "role": "partner_admin" if partner_id else "channel_manager",
        "operation": "approveDeal",
        "object_type": "Deal",
        "object_id": 7,
        "reason": None,
        "request_id": "fixture",
    }
    return AuditEvent(
        subject=subject,
        partner_id=partner_id,
        outcome=outcome,
        occurred_at=LONG_AGO,
        **{**defaults, **fields},
    )


@pytest.fixture(scope="module")
async def gateway(
    server_dsn: str, settings: Settings, tokens: Callable[[str], str]
) -> AsyncIterator[Gateway]:
    async with seeded_database(server_dsn, PLAN) as dsn:
        conn = await asyncpg.connect(dsn)
        try:
            ids = {r["slug"]: r["id"] for r in await conn.fetch("SELECT id, slug FROM partners")}
            acme, globex = ids["acme"], ids["globex"]
            await audit_store.append(
                conn,
                [
                    event("admin@acme.example", acme, ALLOWED, operation="registerDeal"),
                    event("rep@acme.example", acme, DENIED, operation="read", reason="field x"),
                    event("admin@acme.example", acme, FAILED, object_type="Tier", object_id=None),
                    event("admin@globex.example", globex, ALLOWED, operation="registerDeal"),
                    event("rep@globex.example", globex, DENIED, object_type="Lead", object_id=3),
                    event("cm@vendor.example", None, ALLOWED),
                    event("system:jobs", acme, ALLOWED, role=None, operation="expireDeal"),
                ],
            )
        finally:
            await conn.close()
        app = create_app(settings, dsn)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            base = "http://gateway.test"
            async with httpx.AsyncClient(transport=transport, base_url=base) as http:
                yield Gateway(app, http, app.state.pool, tokens, acme, globex)


async def trail(client: GraphQLClient, **variables: Any) -> dict[str, Any]:
    data = await client.data(TRAIL, variables)
    connection: dict[str, Any] = data["auditEvents"]
    return connection


async def test_the_vendor_admin_reads_the_whole_trail(gateway: Gateway) -> None:
    expected = await gateway.count()
    found = await trail(gateway.as_("admin@vendor.example"), first=100)
    assert found["totalCount"] == expected >= 7
    slugs = {(n["partner"] or {}).get("slug") for n in found["nodes"]}
    assert {"acme", "globex", None} <= slugs


async def test_a_partner_admin_reads_only_their_organisations_entries(gateway: Gateway) -> None:
    for email, partner_id, slug in (
        ("admin@acme.example", gateway.acme_id, "acme"),
        ("admin@globex.example", gateway.globex_id, "globex"),
    ):
        expected = await gateway.count("partner_id = $1", partner_id)
        found = await trail(gateway.as_(email), first=100)
        assert found["totalCount"] == expected == len(found["nodes"]) > 0
        assert {n["partner"]["slug"] for n in found["nodes"]} == {slug}
    # A job's change to acme's data is in acme's trail, named as the system's doing.
    acme = await trail(gateway.as_("admin@acme.example"), filter={"subject": "system:jobs"})
    assert [(n["operation"], n["role"]) for n in acme["nodes"]] == [("expireDeal", None)]


@pytest.mark.parametrize(
    "email", ["rep@acme.example", "analyst@vendor.example", "cm@vendor.example"]
)
async def test_everyone_else_is_forbidden(gateway: Gateway, email: str) -> None:
    body = await gateway.as_(email).execute(
        "{ auditEvents(first: 5) { totalCount } tiers { name } }"
    )
    assert body["data"]["auditEvents"] is None
    assert body["data"]["tiers"], "the rest of the query still answers"
    [error] = body["errors"]
    assert (error["path"], error["extensions"]["code"]) == (["auditEvents"], "FORBIDDEN")


async def test_a_partners_api_key_is_forbidden(gateway: Gateway) -> None:
    issued = await issue_api_key(
        gateway.db,
        name="Acme SIEM",
        partner_slug="acme",
        scopes=["read", "write"],
        role="partner_system",
        expires_at=None,
        created_by="test",
    )
    client = GraphQLClient(gateway.http, headers={"x-api-key": issued.key})
    body = await client.execute("{ auditEvents { totalCount } }")
    assert body["data"]["auditEvents"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_reps_denied_read_reaches_their_admins_trail_only(gateway: Gateway) -> None:
    body = await gateway.as_("rep@acme.example").execute(
        "{ deals(first: 1) { nodes { internalNotes } } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gateway.settle()
    wanted = {"subject": "rep@acme.example", "outcomes": ["DENIED"], "objectTypes": ["Deal"]}
    acme = await trail(gateway.as_("admin@acme.example"), filter=wanted)
    reasons = [n["reason"] for n in acme["nodes"]]
    assert "field Deal.internalNotes" in reasons
    assert all(n["requestId"] for n in acme["nodes"])
    globex = await trail(gateway.as_("admin@globex.example"), filter=wanted)
    assert globex["totalCount"] == 0 and globex["nodes"] == []


async def test_filters(gateway: Gateway) -> None:
    admin = gateway.as_("admin@vendor.example")
    failed = await trail(admin, filter={"outcomes": ["FAILED"], "since": LONG_AGO.isoformat()})
    assert {n["outcome"] for n in failed["nodes"]} == {"FAILED"}
    assert failed["totalCount"] == await gateway.count("outcome = 'FAILED'")
    registered = await trail(admin, filter={"operations": ["registerDeal"]})
    assert {n["subject"] for n in registered["nodes"]} >= {
        "admin@acme.example",
        "admin@globex.example",
    }
    leads = await trail(admin, filter={"objectTypes": ["Lead"], "subject": "rep@globex.example"})
    assert [n["objectId"] for n in leads["nodes"]] == [to_global_id("Lead", 3)]
    later = datetime.now(UTC) + timedelta(days=1)
    assert (await trail(admin, filter={"since": later.isoformat()}))["totalCount"] == 0


async def test_object_ids_are_global_ids_of_node_types_only(gateway: Gateway) -> None:
    admin = gateway.as_("admin@vendor.example")
    found = await trail(admin, first=100, filter={"subject": "admin@acme.example"})
    by_type = {n["objectType"]: n["objectId"] for n in found["nodes"]}
    assert by_type["Deal"] == to_global_id("Deal", 7)
    assert by_type["Tier"] is None


async def test_pages_follow_the_order_events_were_written(gateway: Gateway) -> None:
    admin = gateway.as_("admin@vendor.example")
    first = await trail(admin, first=3)
    assert first["pageInfo"]["hasNextPage"]
    second = await trail(admin, first=3, after=first["pageInfo"]["endCursor"])
    whole = await trail(admin, first=6)
    assert first["nodes"] + second["nodes"] == whole["nodes"]
