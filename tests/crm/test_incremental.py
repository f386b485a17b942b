"""After the first mirror, a run reads only what changed (and the overlap window), and applies
the deletes the CRM reports through its REST deleted/ endpoint."""

from __future__ import annotations

import asyncpg

from gateway.crm.sync import MirrorSync
from tests.crm.support import crm_ids, crm_mutation, one_row
from tests.support.crm_sandbox import RunningSandbox

UPDATE_OPPORTUNITY = """
mutation Change($id: IdOrRef!) { uiapi(input: {allOrNone: true}) {
  OpportunityUpdate(input: {Id: $id, Opportunity: {Amount: 123456.78,
                                                   StageName: "Negotiation/Review"}}) {
    Record { Id }
  }
} }
"""
DELETE_LEAD = """
mutation Remove($id: IdOrRef!) { uiapi(input: {allOrNone: true}) {
  LeadDelete(input: {Id: $id}) { Id }
} }
"""


async def test_a_changed_and_a_deleted_record_are_picked_up_incrementally(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    deal = await one_row(
        db,
        "SELECT id, crm_opportunity_id, amount FROM deals WHERE crm_opportunity_id IS NOT NULL "
        "AND stage <> 'NEGOTIATION' ORDER BY id LIMIT 1",
    )
    gone = await db.fetchval(
        "SELECT crm_lead_id FROM leads WHERE crm_lead_id IS NOT NULL ORDER BY id LIMIT 1"
    )
    await crm_mutation(sandbox, UPDATE_OPPORTUNITY, {"id": deal["crm_opportunity_id"]})
    await crm_mutation(sandbox, DELETE_LEAD, {"id": gone})
    await sandbox.admin.reset_stats()

    reports = {r.object: r for r in await mirror.run()}

    assert all(not r.full and r.error is None for r in reports.values())
    total = {key: len(ids) for key, ids in (await crm_ids(sandbox)).items()}
    # Only the overlap window and the change are read again, not the whole object.
    assert 1 <= reports["Opportunity"].records < total["Opportunity"]
    assert reports["Lead"].deleted == 1
    changed = await one_row(db, "SELECT amount, stage FROM deals WHERE id = $1", deal["id"])
    assert (str(changed["amount"]), changed["stage"]) == ("123456.78", "NEGOTIATION")
    mirrored = await one_row(
        db,
        "SELECT amount, stage FROM crm_opportunities WHERE crm_id = $1",
        deal["crm_opportunity_id"],
    )
    assert (str(mirrored["amount"]), mirrored["stage"]) == ("123456.78", "Negotiation/Review")
    deleted = await one_row(db, "SELECT deleted_at FROM crm_leads WHERE crm_id = $1", gone)
    assert deleted["deleted_at"] is not None
    # The local lead keeps its row (and its history); only the mirror knows it is gone.
    assert await db.fetchval("SELECT count(*) FROM leads WHERE crm_lead_id = $1", gone) == 1
    stats = await sandbox.admin.stats()
    assert stats["rest_deleted"] == 3  # one deleted/ window per object
    status = await db.fetch("SELECT object, last_error FROM crm_sync_state ORDER BY object")
    assert [(r["object"], r["last_error"]) for r in status] == [
        ("Account", None),
        ("Lead", None),
        ("Opportunity", None),
    ]


async def test_deletes_older_than_the_deleted_endpoint_reaches_force_a_full_resync(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    gone = await db.fetchval(
        "SELECT crm_lead_id FROM leads WHERE crm_lead_id IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    await crm_mutation(sandbox, DELETE_LEAD, {"id": gone})
    # The last check is older than the 15 days deleted/ reaches back: a gap deletes could hide in.
    await db.execute("UPDATE crm_sync_state SET deletes_checked_until = now() - interval '20 days'")

    reports = {r.object: r for r in await mirror.run()}

    total = {key: len(ids) for key, ids in (await crm_ids(sandbox)).items()}
    assert all(r.full and r.error is None for r in reports.values())
    assert reports["Lead"].deleted == 1  # not seen by the full read: swept as deleted
    assert reports["Lead"].records >= total["Lead"]
    swept = await one_row(db, "SELECT deleted_at FROM crm_leads WHERE crm_id = $1", gone)
    assert swept["deleted_at"] is not None
    live = await db.fetchval("SELECT count(*) FROM crm_leads WHERE deleted_at IS NULL")
    assert live == total["Lead"]
    fresh = await db.fetchval(
        "SELECT min(deletes_checked_until) > now() - interval '1 hour' FROM crm_sync_state"
    )
    assert fresh is True
