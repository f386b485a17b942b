"""Running jobs: each in its own transaction, under its advisory lock, recorded in job_runs.

The lock is transaction-scoped (`pg_try_advisory_xact_lock`), so it can never outlive the work
or leak from a crashed instance: Postgres drops it with the transaction or the connection.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import asyncpg

from gateway.config import Settings
from gateway.jobs.job import Job, JobRun
from gateway.store import audit as audit_store
from gateway.store import job_runs

log = logging.getLogger(__name__)

Outcome = Literal["done", "skipped", "failed"]

# Why a job was skipped.
LOCKED = "another instance is running it"
RAN_RECENTLY = "it ran moments ago, on another instance"


@dataclass(frozen=True)
class JobReport:
    """What one job did on one instance: `result` is its summary, `reason` says why not."""

    job: str
    outcome: Outcome
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


async def run_job(
    pool: asyncpg.Pool,
    job: Job,
    settings: Settings,
    *,
    fresh_for: timedelta = timedelta(0),
) -> JobReport:
    """Run `job` unless another instance is running it, or (with `fresh_for`) ran it that
    recently; both kinds of skip are decided under the lock, so they cannot race."""
    clock = time.perf_counter()

    def report(outcome: Outcome, result: dict[str, Any], reason: str | None) -> JobReport:
        return JobReport(job.name, outcome, time.perf_counter() - clock, result, reason)

    async with pool.acquire() as pooled, pooled.transaction():
        conn = cast(asyncpg.Connection, pooled)  # the pool's proxy behaves as its connection
        if not await job_runs.try_lock(conn, job.lock_id):
            return report("skipped", {}, LOCKED)
        if fresh_for > timedelta(0) and await job_runs.succeeded_within(conn, job.name, fresh_for):
            return report("skipped", {}, RAN_RECENTLY)
        run = JobRun(conn, settings, f"job-{uuid.uuid4().hex[:16]}", datetime.now(UTC))
        outcome: Outcome = "done"
        result: dict[str, Any] = {}
        reason: str | None = None
        try:
            # A savepoint: a job that fails half-way leaves nothing behind, and its failure can
            # still be recorded in the enclosing transaction (which keeps the lock meanwhile).
            async with conn.transaction():
                result = await job.work(run)
                await audit_store.append(conn, run.events)
        except Exception as exc:  # whatever went wrong, record it; cancellation still propagates
            log.exception("job %s failed; its changes were rolled back", job.name)
            outcome, reason = "failed", f"{type(exc).__name__}: {exc}"
        await job_runs.record(
            conn, job.name, run.started_at, {"outcome": outcome, "reason": reason, **result}
        )
    return report(outcome, result, reason)


async def run_jobs(
    pool: asyncpg.Pool,
    jobs: Sequence[Job],
    settings: Settings,
    *,
    fresh_for: timedelta = timedelta(0),
) -> list[JobReport]:
    """Each job in turn; one that cannot even reach the database does not stop the others."""
    reports: list[JobReport] = []
    for job in jobs:
        started = time.perf_counter()
        try:
            reports.append(await run_job(pool, job, settings, fresh_for=fresh_for))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.error("job %s could not run: %r", job.name, exc)
            reason = f"{type(exc).__name__}: {exc}"
            reports.append(
                JobReport(job.name, "failed", time.perf_counter() - started, reason=reason)
            )
    return reports
