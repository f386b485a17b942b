"""Lead recall: overdue offers go to the next eligible partner, once, even when run twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from gateway.workflows.leads import recall_overdue_leads
from tests.workflows.lead_steps import (
    ActAs,
    assign,
    db_id,
    lead_row,
    new_lead,
)


async def overdue_lead(act_as: ActAs, db: asyncpg.Pool, slug: str) -> str:
    admin = act_as("admin@vendor.example")
    region = await db.fetchval("SELECT region FROM partners WHERE slug = $1", slug)
    lead = await new_lead(admin, region)
    await assign(admin, db, lead, slug)
    await db.execute(
        "UPDATE leads SET sla_deadline = now() - interval '1 minute' WHERE id = $1", db_id(lead)
    )
    return lead


async def recall(dsn: str) -> list[int]:
    """What the scheduled job does, on a connection of its own."""
    conn = await asyncpg.connect(dsn)
    try:
        return await recall_overdue_leads(conn, 48)
    finally:
        await conn.close()


async def test_recall_offers_overdue_leads_to_the_next_partner(
    act_as: ActAs, db: asyncpg.Pool, workflow_dsn: str
) -> None:
    lead = await overdue_lead(act_as, db, "acme")
    lonely = await overdue_lead(act_as, db, "upland-integration")  # alone in APAC
    recalled = await recall(workflow_dsn)
    assert {db_id(lead), db_id(lonely)} <= set(recalled)
    row = await lead_row(db, lead)
    assert row["status"] == "ASSIGNED"
    assert row["slug"] in {"bramble-computing", "nimbus-cloud"}
    assert row["sla_deadline"] > datetime.now(UTC) + timedelta(hours=47)
    alone = await lead_row(db, lonely)
    assert (alone["status"], alone["assigned_partner_id"]) == ("RECALLED", None)
    silent = await db.fetch(
        "SELECT p.slug, d.reason FROM lead_declines d JOIN partners p ON p.id = d.partner_id "
        "WHERE d.lead_id = ANY($1::bigint[]) ORDER BY d.lead_id",
        [db_id(lead), db_id(lonely)],
    )
    assert [tuple(r) for r in silent] == [
        ("acme", "SLA_EXPIRED"),
        ("upland-integration", "SLA_EXPIRED"),
    ]
    events = await db.fetch(
        "SELECT subject, outcome, partner_id FROM audit_events WHERE operation = 'recallLead' "
        "AND object_id = $1",
        db_id(lead),
    )
    acme = await db.fetchval("SELECT id FROM partners WHERE slug = 'acme'")
    assert [tuple(e) for e in events] == [("system:jobs", "ALLOWED", acme)]


async def test_recall_running_twice_at_once_recalls_each_lead_once(
    act_as: ActAs, db: asyncpg.Pool, workflow_dsn: str
) -> None:
    leads = [await overdue_lead(act_as, db, slug) for slug in ("acme", "nimbus-cloud", "globex")]
    # A run that has not committed yet holds its leads: a second run passes them by at once.
    holder = await asyncpg.connect(workflow_dsn)
    try:
        async with holder.transaction():
            first = await recall_overdue_leads(holder, 48)
            second = await asyncio.wait_for(recall(workflow_dsn), timeout=5)
    finally:
        await holder.close()
    assert {db_id(lead) for lead in leads} <= set(first)
    assert not set(first) & set(second)
    # And two runs started together, once more leads are overdue.
    more = [await overdue_lead(act_as, db, slug) for slug in ("bramble-computing", "globex")]
    third, fourth = await asyncio.gather(recall(workflow_dsn), recall(workflow_dsn))
    assert not set(third) & set(fourth)
    assert {db_id(lead) for lead in more} <= set(third) | set(fourth)
    for lead in [*leads, *more]:
        declines = await db.fetchval(
            "SELECT count(*) FROM lead_declines WHERE lead_id = $1 AND reason = 'SLA_EXPIRED'",
            db_id(lead),
        )
        assert declines == 1
    assert await recall(workflow_dsn) == []  # nothing is overdue any more
