"""The SQL of scheduled jobs: the per-job advisory lock, and `job_runs` (each job's last run).

(Like all SQL, it lives in the store; the jobs themselves are in gateway/jobs/.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import orjson

from gateway.store.database import Executor


@dataclass(frozen=True)
class LastRun:
    job: str
    started_at: datetime
    finished_at: datetime | None
    result: dict[str, Any]


async def try_lock(conn: asyncpg.Connection, lock_id: int) -> bool:
    """Take the job's lock until the transaction ends; False at once if another session has it."""
    taken: bool = await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", lock_id)
    return taken


async def succeeded_within(conn: asyncpg.Connection, job: str, window: timedelta) -> bool:
    """Whether the job last finished successfully less than `window` ago (on any instance)."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = $1 AND result->>'outcome' = 'done' "
        "AND finished_at > clock_timestamp() - $2::interval)",
        job,
        window,
    )
    return found


async def record(
    conn: asyncpg.Connection, job: str, started_at: datetime, result: dict[str, Any]
) -> None:
    # clock_timestamp(), not now(): now() is when the transaction began, i.e. the start.
    await conn.execute(
        "INSERT INTO job_runs (job, started_at, finished_at, result) "
        "VALUES ($1, $2, clock_timestamp(), $3::jsonb) "
        "ON CONFLICT (job) DO UPDATE SET started_at = EXCLUDED.started_at, "
        "finished_at = EXCLUDED.finished_at, result = EXCLUDED.result",
        job,
        started_at,
        orjson.dumps(result).decode(),
    )


async def last_runs(db: Executor) -> dict[str, LastRun]:
    rows = await db.fetch("SELECT job, started_at, finished_at, result FROM job_runs")
    return {
        row["job"]: LastRun(
            row["job"], row["started_at"], row["finished_at"], orjson.loads(row["result"])
        )
        for row in rows
    }
