"""A full mirror of the sandbox's records, in several pages, matched to the seeded rows."""

from __future__ import annotations

import asyncpg

from gateway.crm.sync import ANOTHER_SYNC, MirrorSync
from gateway.store import crm_sync_state
from tests.crm.support import PAGE, crm_ids, local_fingerprint
from tests.support.crm_sandbox import RunningSandbox


async def test_first_sync_mirrors_every_record_in_pages_and_matches_the_seed(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    before = await local_fingerprint(db)
    reports = await mirror.run()

    expected = await crm_ids(sandbox)
    assert [r.object for r in reports] == ["Account", "Lead", "Opportunity"]
    assert all(r.error is None and r.full for r in reports)
    for report in reports:
        assert report.records == len(expected[report.object])
    mirrored = {
        "Account": {r["crm_id"] for r in await db.fetch("SELECT crm_id FROM crm_accounts")},
        "Lead": {r["crm_id"] for r in await db.fetch("SELECT crm_id FROM crm_leads")},
        "Opportunity": {
            r["crm_id"] for r in await db.fetch("SELECT crm_id FROM crm_opportunities")
        },
    }
    assert mirrored == expected
    # Several pages of each object: page requests = records / PAGE, rounded up.
    stats = await sandbox.admin.stats()
    pages = sum(-(-len(ids) // PAGE) for ids in expected.values())
    assert stats["subqueries_by_object"] == {
        key: -(-len(ids) // PAGE) for key, ids in expected.items()
    }
    assert stats["graphql_query_requests"] == pages
    # The seed and the sandbox describe the same records: nothing local changed or was added.
    assert await local_fingerprint(db) == before
    linked = await db.fetchval(
        "SELECT count(*) FROM crm_opportunities o JOIN deals d ON d.crm_opportunity_id = o.crm_id"
    )
    assert linked == len(expected["Opportunity"])


async def test_an_object_another_process_is_syncing_is_skipped(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    async with db.acquire() as other:  # as another gateway instance or the CLI would
        assert await crm_sync_state.try_lock(other, "Account")
        try:
            [report] = await mirror.run(objects=["Account"])
        finally:
            await crm_sync_state.unlock(other, "Account")

    assert (report.skipped, report.error, report.records) == (ANOTHER_SYNC, None, 0)
    assert (await sandbox.admin.stats())["graphql_requests"] == 0
    [after] = await mirror.run(objects=["Account"])
    assert after.skipped is None and after.records > 0
