"""The workflows issue's story, end to end over HTTP and a websocket, against a real server.

rep@acme registers a deal; rep@globex registers the same customer (a subdomain) with an
overlapping product and sees only *that* there is a conflict; cm@vendor approves acme's;
globex's approval is refused; a lead assigned to globex is ignored past its SLA, recalled by the
scheduled job and offered to another partner, whose subscribed people hear `leadAssigned`;
every step is in the audit trail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.auth.jwt_tokens import mint_token
from gateway.config import Settings
from gateway.jobs.registry import BY_NAME
from gateway.jobs.runner import run_job
from gateway.schema.node import from_global_id, to_global_id
from gateway.seed import SeedPlan
from gateway.store.notifications import LEAD_ASSIGNED
from tests.subscriptions.servers import LiveServer, live_server
from tests.subscriptions.ws import Socket, signed_in
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient
from tests.support.postgres import seeded_database

STORY_PLAN = SeedPlan(partners=6, deals_per_partner=10, leads_per_partner=5, seed=21)

REGISTER = """
mutation($input: RegisterDealInput!) { registerDeal(input: $input) {
  deal { id status hasConflict } userErrors { code } } }
"""
APPROVE = """
mutation($id: ID!) { approveDeal(input: {id: $id}) {
  deal { id status } userErrors { code } } }
"""


@pytest.fixture(scope="module")
async def story_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, STORY_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def server(
    story_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    async with live_server(story_dsn, tmp_path_factory.mktemp("story") / "server.log") as live:
        yield live


def deal_input(domain: str, products: list[str]) -> dict[str, Any]:
    return {
        "customerName": "Northwind Traders",
        "customerDomain": domain,
        "products": products,
        "amount": "80000.00",
        "expectedCloseDate": (date.today() + timedelta(days=45)).isoformat(),
        "region": "NA",
    }


async def test_the_story(
    server: LiveServer,
    story_dsn: str,
    tokens: Callable[[str], str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:

        def as_(email: str) -> GraphQLClient:
            return GraphQLClient(http, headers={"authorization": f"Bearer {tokens(email)}"})

        # 1. acme registers; globex registers the same customer, a subdomain, a shared product.
        acme = (
            await as_("rep@acme.example").data(
                REGISTER, {"input": deal_input("northwind.example", ["NET-FW", "SEC-EDR"])}
            )
        )["registerDeal"]
        assert acme["deal"]["status"] == "PENDING" and not acme["deal"]["hasConflict"]
        globex_rep = as_("rep@globex.example")
        globex = (
            await globex_rep.data(
                REGISTER, {"input": deal_input("https://shop.northwind.example", ["SEC-EDR"])}
            )
        )["registerDeal"]
        assert globex["deal"]["hasConflict"] is True
        # ... and nothing of acme: not the deal, not who it conflicts with.
        peek = await globex_rep.execute(
            "query($a: ID!, $g: ID!) { a: node(id: $a) { id } "
            "g: node(id: $g) { ... on Deal { conflicts { id } } } }",
            {"a": acme["deal"]["id"], "g": globex["deal"]["id"]},
        )
        assert peek["data"] == {"a": None, "g": {"conflicts": None}}
        assert peek["errors"][0]["extensions"]["code"] == "FORBIDDEN"

        # 2. acme's channel manager approves; globex's approval is refused, nothing written.
        approved = await as_("cm@vendor.example").data(APPROVE, {"id": acme["deal"]["id"]})
        assert approved["approveDeal"]["deal"]["status"] == "APPROVED"
        refused = await as_("cm2@vendor.example").data(APPROVE, {"id": globex["deal"]["id"]})
        assert refused["approveDeal"]["userErrors"] == [{"code": "APPROVAL_CONFLICT"}]

        # 3. A lead is assigned to globex, in a region acme serves too.
        db = await asyncpg.connect(story_dsn)
        try:
            lead_id: int = await db.fetchval(
                "UPDATE leads SET status = 'NEW', assigned_partner_id = NULL, "
                "assigned_user_id = NULL, assigned_at = NULL, sla_deadline = NULL, region = 'NA' "
                "WHERE id = (SELECT min(id) FROM leads WHERE converted_deal_id IS NULL) "
                "RETURNING id"
            )
            # No other lead may fall due meanwhile: the subscribers must hear about this one.
            await db.execute(
                "UPDATE leads SET sla_deadline = now() + interval '2 days' "
                "WHERE status = 'ASSIGNED'"
            )
            globex_id = await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
            assigned = await as_("cm2@vendor.example").data(
                "mutation($l: ID!, $p: ID!) { assignLead(input: {id: $l, partnerId: $p}) "
                "{ lead { status } userErrors { code } } }",
                {"l": to_global_id("Lead", lead_id), "p": to_global_id("Partner", globex_id)},
            )
            assert assigned["assignLead"]["userErrors"] == []
            # 4. Nobody at globex answers; time passes beyond the SLA.
            await db.execute(
                "UPDATE leads SET assigned_at = now() - interval '3 days', "
                "sla_deadline = now() - interval '1 day' WHERE id = $1",
                lead_id,
            )
            admins = await db.fetch(
                "SELECT DISTINCT ON (p.id) p.id, p.slug, u.email FROM partner_users u "
                "JOIN partners p ON p.id = u.partner_id WHERE u.role = 'partner_admin' "
                "AND u.active AND p.slug <> 'globex' ORDER BY p.id, u.id"
            )
            async with AsyncExitStack() as stack:
                sockets: dict[int, Socket] = {}
                for admin in admins:
                    token = mint_token(
                        TEST_AUTH,
                        admin["email"],
                        ["partner_admin"],
                        admin["slug"],
                        timedelta(hours=1),
                    )
                    socket = await stack.enter_async_context(
                        signed_in(server.ws_url, {"Authorization": f"Bearer {token}"})
                    )
                    await socket.subscribe("lead", "subscription { leadAssigned { id } }")
                    sockets[admin["id"]] = socket
                await server.wait_for_subscribers(LEAD_ASSIGNED, len(sockets))
                # 5. The scheduled job recalls it and offers it to the next eligible partner.
                pool = await asyncpg.create_pool(story_dsn, min_size=1, max_size=2)
                assert pool is not None
                try:
                    report = await run_job(pool, BY_NAME["recall_leads"], settings)
                finally:
                    await pool.close()
                assert report.result == {"recalled": 1}
                lead = await db.fetchrow(
                    "SELECT status, assigned_partner_id FROM leads WHERE id = $1", lead_id
                )
                assert lead is not None and lead["status"] == "ASSIGNED"
                receiver = lead["assigned_partner_id"]
                assert receiver in sockets
                heard = await sockets[receiver].next_payload("lead")
                assert heard["data"]["leadAssigned"]["id"] == to_global_id("Lead", lead_id)
                for partner_id, socket in sockets.items():
                    if partner_id != receiver:
                        await socket.silent_for(0.3)
            silent = await db.fetchval(
                "SELECT reason FROM lead_declines WHERE lead_id = $1 AND partner_id = $2",
                lead_id,
                globex_id,
            )
            assert silent == "SLA_EXPIRED"
        finally:
            await db.close()

        # 6. Every step is in the audit trail, readable by the vendor admin.
        trail = await as_("admin@vendor.example").data(
            "{ auditEvents(first: 100, filter: {outcomes: [ALLOWED, FAILED]}) "
            "{ nodes { subject operation outcome objectType objectId } } }"
        )
    steps = {(e["subject"], e["operation"], e["outcome"]) for e in trail["auditEvents"]["nodes"]}
    assert {
        ("rep@acme.example", "registerDeal", "ALLOWED"),
        ("rep@globex.example", "registerDeal", "ALLOWED"),
        ("cm@vendor.example", "approveDeal", "ALLOWED"),
        ("cm2@vendor.example", "approveDeal", "FAILED"),
        ("cm2@vendor.example", "assignLead", "ALLOWED"),
        ("system:jobs", "recallLead", "ALLOWED"),
    } <= steps
    acme_deal = from_global_id(acme["deal"]["id"])[1]
    assert any(
        e["objectId"] == to_global_id("Deal", acme_deal) for e in trail["auditEvents"]["nodes"]
    )
