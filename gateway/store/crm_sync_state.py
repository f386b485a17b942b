"""Where each mirrored CRM object's sync stands: cursor, deletes checked, full resync, outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.store.database import Executor


@dataclass(frozen=True)
class SyncState:
    object: str
    cursor_modstamp: datetime | None
    cursor_id: str | None
    deletes_checked_until: datetime | None
    full_started_at: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_run_records: int
    last_error: str | None
    last_error_at: datetime | None


_COLUMNS = (
    "object, cursor_modstamp, cursor_id, deletes_checked_until, full_started_at, "
    "last_attempt_at, last_success_at, last_run_records, last_error, last_error_at"
)


async def load(db: Executor, object_key: str) -> SyncState:
    """The object's state; a never-synced object gets its row (all empty) on first read."""
    row = await db.fetchrow(
        f"INSERT INTO crm_sync_state (object) VALUES ($1) ON CONFLICT (object) "
        f"DO UPDATE SET object = EXCLUDED.object RETURNING {_COLUMNS}",
        object_key,
    )
    return SyncState(**dict(row))


async def load_all(db: Executor) -> list[SyncState]:
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM crm_sync_state ORDER BY object")
    return [SyncState(**dict(row)) for row in rows]


async def begin_attempt(db: Executor, object_key: str) -> None:
    await db.execute(
        "UPDATE crm_sync_state SET last_attempt_at = now() WHERE object = $1", object_key
    )


async def begin_full(db: Executor, object_key: str) -> datetime:
    """Start a full resync: the cursor is forgotten; the start time is kept for the sweep."""
    started: datetime = await db.fetchval(
        "UPDATE crm_sync_state SET full_started_at = now(), cursor_modstamp = NULL, "
        "cursor_id = NULL WHERE object = $1 RETURNING full_started_at",
        object_key,
    )
    return started


async def advance_cursor(db: Executor, object_key: str, modstamp: datetime, crm_id: str) -> None:
    """Inside the page's transaction. Never moves back (a run re-reads its overlap window)."""
    await db.execute(
        "UPDATE crm_sync_state SET cursor_modstamp = $2, cursor_id = $3 WHERE object = $1 "
        "AND (cursor_modstamp IS NULL OR (cursor_modstamp, cursor_id) < ($2, $3))",
        object_key,
        modstamp,
        crm_id,
    )


async def finish_deletes(db: Executor, object_key: str, checked_until: datetime) -> None:
    """Deletes are applied up to `checked_until`; a full resync in progress is over."""
    await db.execute(
        "UPDATE crm_sync_state SET deletes_checked_until = $2, full_started_at = NULL "
        "WHERE object = $1",
        object_key,
        checked_until,
    )


async def record_success(db: Executor, object_key: str, records: int) -> None:
    await db.execute(
        "UPDATE crm_sync_state SET last_success_at = now(), last_run_records = $2, "
        "last_error = NULL, last_error_at = NULL WHERE object = $1",
        object_key,
        records,
    )


async def record_failure(db: Executor, object_key: str, error: str) -> None:
    await db.execute(
        "INSERT INTO crm_sync_state (object, last_error, last_error_at) VALUES ($1, $2, now()) "
        "ON CONFLICT (object) DO UPDATE SET last_error = $2, last_error_at = now()",
        object_key,
        error[:2000],
    )


async def try_lock(conn: Executor, object_key: str) -> bool:
    """One sync of an object at a time across every process (server instances, the CLI); a
    session lock, so a killed process lets go with its connection."""
    locked: bool = await conn.fetchval(
        "SELECT pg_try_advisory_lock(hashtext('crm-sync:' || $1))", object_key
    )
    return locked


async def unlock(conn: Executor, object_key: str) -> None:
    await conn.execute("SELECT pg_advisory_unlock(hashtext('crm-sync:' || $1))", object_key)


async def status_rows(db: Executor) -> list[Any]:
    """Per mirrored object, in sync order: its state, its live records and its lag, one
    statement (objects never synced come back with nulls)."""
    return list(await db.fetch(_STATUS))


_STATUS = """
SELECT o.object, s.last_success_at, s.last_attempt_at, s.last_run_records, s.last_error,
       s.last_error_at, s.cursor_modstamp, s.full_started_at IS NOT NULL AS full_resync,
       extract(epoch FROM now() - s.last_success_at)::float8 AS lag_seconds,
       coalesce(c.records, 0) AS records
FROM (VALUES (1, 'Account'), (2, 'Lead'), (3, 'Opportunity')) AS o(position, object)
LEFT JOIN crm_sync_state s ON s.object = o.object
LEFT JOIN (
    SELECT 'Account' AS object, count(*) AS records FROM crm_accounts WHERE deleted_at IS NULL
    UNION ALL
    SELECT 'Lead', count(*) FROM crm_leads WHERE deleted_at IS NULL
    UNION ALL
    SELECT 'Opportunity', count(*) FROM crm_opportunities WHERE deleted_at IS NULL
) AS c ON c.object = o.object
ORDER BY o.position
"""


async def mirror_age_seconds(db: Executor, objects: Sequence[str]) -> float | None:
    """Seconds since the oldest of `objects` last synced; None if one was never mirrored."""
    age = await db.fetchval(
        "SELECT CASE WHEN count(s.last_success_at) = cardinality($1::text[]) "
        "THEN extract(epoch FROM now() - min(s.last_success_at))::float8 END "
        "FROM unnest($1::text[]) AS o(object) "
        "LEFT JOIN crm_sync_state s ON s.object = o.object",
        list(objects),
    )
    return None if age is None else float(age)
