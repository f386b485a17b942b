"""The engine: one run per job however many instances try, failures recorded, none half-done."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import pytest

from gateway.config import Settings
from gateway.jobs.job import LOCK_NAMESPACE, Job, JobRun
from gateway.jobs.registry import BY_NAME, JOBS, UnknownJob, select
from gateway.jobs.runner import LOCKED, RAN_RECENTLY, run_job, run_jobs
from gateway.store import deal_writes
from tests.jobs.support import announcements, drain, overdue_approved_deal, status_of

EXPIRE = BY_NAME["expire_deals"]
AS_THE_SCHEDULER_DOES = timedelta(seconds=30)


def test_every_job_has_its_own_stable_lock() -> None:
    assert [(job.name, job.lock_id) for job in JOBS] == [
        ("expire_deals", (LOCK_NAMESPACE << 32) | 1),
        ("recall_leads", (LOCK_NAMESPACE << 32) | 2),
        ("recompute_tiers", (LOCK_NAMESPACE << 32) | 3),
    ]
    assert all(job.lock_id < 2**63 for job in JOBS), "fits Postgres' bigint"


def test_select() -> None:
    assert select(None) == list(JOBS)
    assert [job.name for job in select(["recompute_tiers", "expire_deals"])] == [
        "expire_deals",
        "recompute_tiers",
    ]
    with pytest.raises(UnknownJob, match="no job named nope"):
        select(["nope"])


async def test_two_instances_at_once_run_a_job_once(
    pool: asyncpg.Pool, jobs_dsn: str, settings: Settings
) -> None:
    await pool.execute("DELETE FROM job_runs")
    deal_id = await overdue_approved_deal(pool)
    async with announcements(jobs_dsn) as heard:
        reports = await asyncio.gather(
            run_job(pool, EXPIRE, settings, fresh_for=AS_THE_SCHEDULER_DOES),
            run_job(pool, EXPIRE, settings, fresh_for=AS_THE_SCHEDULER_DOES),
        )
        said = await drain(heard)
    assert sorted(r.outcome for r in reports) == ["done", "skipped"]
    [skipped] = [r for r in reports if r.outcome == "skipped"]
    assert skipped.reason in (LOCKED, RAN_RECENTLY)
    assert [s["dealId"] for s in said] == [deal_id]
    audited = await pool.fetchval(
        "SELECT count(*) FROM audit_events WHERE object_type = 'Deal' AND object_id = $1", deal_id
    )
    assert audited == 1


async def test_a_job_another_instance_is_running_is_skipped(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(pool)
    async with pool.acquire() as other, other.transaction():
        await other.execute("SELECT pg_advisory_xact_lock($1)", EXPIRE.lock_id)
        report = await run_job(pool, EXPIRE, settings)
        assert (report.outcome, report.reason) == ("skipped", LOCKED)
        assert await status_of(pool, deal_id) == "APPROVED"
    # The other instance is done: the lock went with its transaction.
    assert (await run_job(pool, EXPIRE, settings)).outcome == "done"
    assert await status_of(pool, deal_id) == "EXPIRED"


async def test_a_failing_job_leaves_nothing_half_done(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(pool)

    async def expire_then_break(run: JobRun) -> dict[str, Any]:
        await deal_writes.expire_overdue(run.conn)
        run.audit("expireDeal", object_type="Deal", object_id=deal_id)
        raise RuntimeError("the CRM said no")

    broken = Job("broken", 99, "expires, then fails", expire_then_break)
    [report] = await run_jobs(pool, [broken], settings)
    assert (report.outcome, report.reason) == ("failed", "RuntimeError: the CRM said no")
    assert await status_of(pool, deal_id) == "APPROVED", "rolled back"
    assert not await pool.fetchval(
        "SELECT count(*) FROM audit_events WHERE subject = 'system:jobs' AND object_id = $1",
        deal_id,
    )
    recorded = await pool.fetchval("SELECT result FROM job_runs WHERE job = 'broken'")
    assert orjson.loads(recorded)["outcome"] == "failed"
    await run_job(pool, EXPIRE, settings)  # tidy up for the next test


async def test_recall_leads_recalls_leads_past_their_sla(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    lead = await pool.fetchrow(
        "UPDATE leads SET sla_deadline = now() - interval '1 hour' WHERE id = ("
        "  SELECT id FROM leads WHERE status = 'ASSIGNED' ORDER BY id LIMIT 1"
        ") RETURNING id, assigned_partner_id"
    )
    assert lead is not None
    report = await run_job(pool, BY_NAME["recall_leads"], settings)
    assert report.outcome == "done" and report.result["recalled"] >= 1
    after = await pool.fetchrow(
        "SELECT status, assigned_partner_id FROM leads WHERE id = $1", lead["id"]
    )
    assert after is not None
    moved_on = after["assigned_partner_id"] != lead["assigned_partner_id"]
    assert after["status"] == "RECALLED" or moved_on, "recalled, or offered to another partner"
    again = await run_job(pool, BY_NAME["recall_leads"], settings)
    assert again.result == {"recalled": 0}


async def test_recompute_tiers_settles_and_is_audited(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    await pool.execute("UPDATE partners SET tier = 'PLATINUM'")  # surely wrong for some
    first = await run_job(pool, BY_NAME["recompute_tiers"], settings)
    assert first.outcome == "done" and first.result["changed"] > 0
    audited = await pool.fetchval(
        "SELECT detail FROM audit_events WHERE operation = 'recomputeTiers' ORDER BY id DESC"
    )
    assert orjson.loads(audited) == {"changed": first.result["changed"]}
    assert (await run_job(pool, BY_NAME["recompute_tiers"], settings)).result == {"changed": 0}
