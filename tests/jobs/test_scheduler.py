"""Jobs inside the server: every JOBS_INTERVAL_SECONDS, as background work."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import asyncpg

from gateway.config import Settings
from gateway.jobs.registry import BY_NAME
from gateway.jobs.scheduler import JobScheduler
from gateway.metrics import REGISTRY
from tests.jobs.support import overdue_approved_deal, status_of


def counted(source: str) -> float:
    value = REGISTRY.get_sample_value("gateway_sql_statements_total", {"source": source})
    return 0.0 if value is None else value


async def test_the_scheduler_runs_jobs_in_the_background(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(pool)
    every_second = replace(settings, jobs_interval_seconds=1)
    scheduler = JobScheduler(pool, every_second, [BY_NAME["expire_deals"]])
    requests_before, background_before = counted("request"), counted("background")
    polls = 0
    scheduler.start()
    try:
        async with asyncio.timeout(10):
            while await status_of(pool, deal_id) != "EXPIRED":
                polls += 1
                await asyncio.sleep(0.1)
    finally:
        await scheduler.stop()
    await asyncio.sleep(0)  # asyncpg reports the last statement with loop.call_soon
    # Requests' statement counts stay exact: only the test's own polls count as "request".
    assert counted("request") - requests_before == polls + 1
    assert counted("background") > background_before


async def test_an_interval_of_zero_turns_the_scheduler_off(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    scheduler = JobScheduler(pool, replace(settings, jobs_interval_seconds=0))
    scheduler.start()
    assert scheduler._task is None
    await scheduler.stop()
