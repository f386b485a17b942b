"""The issue's story, live: a lead ignored past its SLA is recalled by the scheduled job and
offered to another partner, whose subscribed people hear `leadAssigned`; nobody else does."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import timedelta

import asyncpg

from gateway.auth.jwt_tokens import mint_token
from gateway.config import Settings
from gateway.jobs.registry import BY_NAME
from gateway.jobs.runner import run_job
from gateway.schema.node import to_global_id
from gateway.store.notifications import LEAD_ASSIGNED
from tests.subscriptions.conftest import People
from tests.subscriptions.servers import LiveServer
from tests.subscriptions.ws import Socket, signed_in
from tests.support.auth import TEST_AUTH

LEADS = "subscription { leadAssigned { id status partner { slug } } }"


async def overdue_at_globex(db: asyncpg.Pool, people: People) -> int:
    """A lead assigned to globex long ago and never answered, in acme's region; the only
    overdue one, so what subscribers hear is about it alone."""
    await db.execute(
        "UPDATE leads SET sla_deadline = now() + interval '2 days' WHERE status = 'ASSIGNED'"
    )
    lead_id: int = await db.fetchval(
        "UPDATE leads SET status = 'ASSIGNED', assigned_partner_id = $1, assigned_user_id = NULL, "
        "region = (SELECT region FROM partners WHERE id = $2), "
        "assigned_at = now() - interval '3 days', sla_deadline = now() - interval '1 day' "
        "WHERE id = (SELECT id FROM leads WHERE converted_deal_id IS NULL ORDER BY id DESC "
        "LIMIT 1) RETURNING id",
        people.partner_ids["globex"],
        people.partner_ids["acme"],
    )
    return lead_id


async def test_a_recalled_lead_reaches_the_next_partners_people(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, settings: Settings
) -> None:
    admins = await db.fetch(
        "SELECT DISTINCT ON (p.id) p.id AS partner_id, p.slug, u.email FROM partner_users u "
        "JOIN partners p ON p.id = u.partner_id WHERE u.role = 'partner_admin' AND u.active "
        "ORDER BY p.id, u.id"
    )
    lead_id = await overdue_at_globex(db, people)
    async with AsyncExitStack() as stack:
        sockets: dict[int, Socket] = {}
        for admin in admins:
            token = mint_token(
                TEST_AUTH, admin["email"], ["partner_admin"], admin["slug"], timedelta(hours=1)
            )
            socket = await stack.enter_async_context(
                signed_in(gateway_a.ws_url, {"Authorization": f"Bearer {token}"})
            )
            await socket.subscribe("1", LEADS)
            sockets[admin["partner_id"]] = socket
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, len(sockets))

        report = await run_job(db, BY_NAME["recall_leads"], settings)
        assert report.result == {"recalled": 1}

        lead = await db.fetchrow(
            "SELECT status, assigned_partner_id FROM leads WHERE id = $1", lead_id
        )
        assert lead is not None and lead["status"] == "ASSIGNED", "offered to another partner"
        receiver = lead["assigned_partner_id"]
        assert receiver != people.partner_ids["globex"]
        payload = await sockets[receiver].next_payload("1")
        assert payload["data"]["leadAssigned"]["id"] == to_global_id("Lead", lead_id)
        for partner_id, socket in sockets.items():
            if partner_id != receiver:
                await socket.silent_for(0.5)
