"""`expire_deals`: an overdue approved deal expires, frees its slots, is announced and audited."""

from __future__ import annotations

from typing import cast

import asyncpg
import orjson
import pytest

from gateway.config import Settings
from gateway.jobs.registry import BY_NAME
from gateway.jobs.runner import run_job
from gateway.store import registrations
from tests.jobs.support import announcements, drain, overdue_approved_deal, status_of

EXPIRE = BY_NAME["expire_deals"]


async def rival_registration(db: asyncpg.Pool, deal_id: int) -> int:
    """A pending registration of another partner for the same customer and products."""
    rival: int = await db.fetchval(
        "INSERT INTO deals (partner_id, owner_id, customer_name, customer_domain, region, "
        "products, amount, currency, stage, expected_close_date, status) "
        "SELECT u.partner_id, u.id, d.customer_name, d.customer_domain, d.region, d.products, "
        "d.amount, d.currency, 'PROSPECTING', d.expected_close_date, 'PENDING' "
        "FROM deals d, partner_users u WHERE d.id = $1 AND u.partner_id <> d.partner_id "
        "AND u.active ORDER BY u.id LIMIT 1 RETURNING id",
        deal_id,
    )
    return rival


async def can_take_slots(db: asyncpg.Pool, deal_id: int) -> bool:
    """Whether approving `deal_id` would get its slots (tried, then rolled back)."""
    async with db.acquire() as pooled:
        conn = cast(asyncpg.Connection, pooled)
        tx = conn.transaction()
        await tx.start()
        try:
            await registrations.take_approval_slots(conn, deal_id)
        except asyncpg.UniqueViolationError:
            return False
        finally:
            await tx.rollback()
    return True


async def test_an_overdue_deal_expires_and_frees_its_approval(
    pool: asyncpg.Pool, jobs_dsn: str, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(pool)
    rival = await rival_registration(pool, deal_id)
    assert not await can_take_slots(pool, rival), "the approved deal still holds the slots"

    async with announcements(jobs_dsn) as heard:
        report = await run_job(pool, EXPIRE, settings)
        said = await drain(heard)

    assert (report.outcome, report.result) == ("done", {"expired": 1})
    assert await status_of(pool, deal_id) == "EXPIRED"
    slots = await pool.fetchval("SELECT count(*) FROM deal_approvals WHERE deal_id = $1", deal_id)
    assert slots == 0
    assert await can_take_slots(pool, rival), "the expired deal's slots are free for others"
    deal = await pool.fetchrow("SELECT partner_id, owner_id FROM deals WHERE id = $1", deal_id)
    assert deal is not None
    assert said == [
        {
            "dealId": deal_id,
            "partnerId": deal["partner_id"],
            "ownerId": deal["owner_id"],
            "status": "EXPIRED",
            "previousStatus": "APPROVED",
        }
    ]


async def test_the_expiry_is_audited_and_the_run_recorded(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(pool)
    await run_job(pool, EXPIRE, settings)
    [audited] = await pool.fetch(
        "SELECT * FROM audit_events WHERE object_type = 'Deal' AND object_id = $1", deal_id
    )
    partner_id = await pool.fetchval("SELECT partner_id FROM deals WHERE id = $1", deal_id)
    assert audited["subject"] == "system:jobs"
    assert (audited["role"], audited["operation"], audited["outcome"]) == (
        None,
        "expireDeal",
        "ALLOWED",
    )
    assert audited["partner_id"] == partner_id
    assert audited["request_id"].startswith("job-")
    assert orjson.loads(audited["detail"]) == {"from": "APPROVED", "to": "EXPIRED"}
    run = await pool.fetchrow("SELECT * FROM job_runs WHERE job = 'expire_deals'")
    assert run is not None
    assert orjson.loads(run["result"]) == {"outcome": "done", "reason": None, "expired": 1}
    assert run["finished_at"] >= run["started_at"]


@pytest.mark.parametrize("status", ["PENDING", "WON"])
async def test_only_approved_deals_expire(
    pool: asyncpg.Pool, settings: Settings, status: str
) -> None:
    deal_id = await pool.fetchval(
        "UPDATE deals SET protection_expires_at = now() - interval '1 day' "
        "WHERE id = (SELECT id FROM deals WHERE status = $1 ORDER BY id LIMIT 1) RETURNING id",
        status,
    )
    report = await run_job(pool, EXPIRE, settings)
    assert report.result == {"expired": 0}
    assert await status_of(pool, deal_id) == status
