"""The mirror sync: each object from the CRM into the store, incrementally by SystemModstamp
(with an overlap window) or in full, one transaction per page with the cursor inside it, then
the deletes the CRM reports. A run killed at any point resumes from its last committed page.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg

from gateway.crm.client import CrmClient
from gateway.crm.documents import after_filter, crm_datetime, edges_of, mirror_document
from gateway.crm.errors import CrmError
from gateway.crm.lag import observe_success
from gateway.crm.mapping import MIRRORED_OBJECTS, CrmMapping, ObjectMapping
from gateway.store import crm_mirror, crm_sync_state
from gateway.store.crm_sync_state import SyncState

log = logging.getLogger("gateway.crm.sync")

# How far back the CRM's deleted/ endpoint reaches (the contract: 15 days).
DELETED_REACH = timedelta(days=15)
ANOTHER_SYNC = "another process is syncing this object"


class SyncProgress(Protocol):
    """What a run reports as it goes (the CLI draws a progress bar from it). `advanced` is
    awaited after each page has committed."""

    def started(self, object_key: str, total: int | None, *, full: bool) -> None: ...

    async def advanced(self, object_key: str, records: int) -> None: ...


class _Silent:
    def started(self, object_key: str, total: int | None, *, full: bool) -> None:
        return None

    async def advanced(self, object_key: str, records: int) -> None:
        return None


@dataclass(frozen=True)
class ObjectReport:
    object: str
    records: int = 0
    deleted: int = 0
    full: bool = False
    error: str | None = None
    skipped: str | None = None  # why nothing was done (not a failure)


class _FullResyncNeeded(Exception):
    """The deleted/ endpoint no longer reaches back to the last check."""


class MirrorSync:
    def __init__(self, crm: CrmClient, pool: asyncpg.Pool, mapping: CrmMapping) -> None:
        self._crm = crm
        self._pool = pool
        self._mapping = mapping
        self._settings = crm.settings

    async def run(
        self,
        *,
        objects: Sequence[str] = MIRRORED_OBJECTS,
        full: bool = False,
        progress: SyncProgress | None = None,
    ) -> list[ObjectReport]:
        """Every object in order; a failing object is recorded and the others still run."""
        reports: list[ObjectReport] = []
        for key in objects:
            try:
                reports.append(await self.sync_object(key, full=full, progress=progress))
            except (CrmError, asyncpg.PostgresError) as exc:
                # A page the store refuses (a value breaking a constraint) is this object's
                # failure too, kept on its status for vendor staff, not a crash of the run.
                log.warning("CRM sync of %s failed: %s", key, exc)
                await crm_sync_state.record_failure(self._pool, key, str(exc))
                reports.append(ObjectReport(key, error=str(exc)))
        return reports

    async def sync_object(
        self, key: str, *, full: bool = False, progress: SyncProgress | None = None
    ) -> ObjectReport:
        async with self._pool.acquire() as lock:
            if not await crm_sync_state.try_lock(lock, key):
                log.info("CRM sync of %s skipped: another process is syncing it", key)
                return ObjectReport(key, skipped=ANOTHER_SYNC)
            try:
                return await self._sync_locked(key, full=full, progress=progress)
            finally:
                await crm_sync_state.unlock(lock, key)

    async def _sync_locked(
        self, key: str, *, full: bool, progress: SyncProgress | None
    ) -> ObjectReport:
        mapping = self._mapping[key]
        report = progress or _Silent()
        state = await crm_sync_state.load(self._pool, key)
        await crm_sync_state.begin_attempt(self._pool, key)
        overlap = timedelta(seconds=self._settings.sync_overlap_seconds)
        full_started = state.full_started_at  # a full resync a crash interrupted goes on
        since: datetime | None = None
        after_id: str | None = None
        if full or (state.cursor_modstamp is None and full_started is None):
            full_started = await crm_sync_state.begin_full(self._pool, key)
        elif state.cursor_modstamp is not None:
            # Everything up to the cursor committed in order, so the keyset after
            # (cursor - overlap, cursor id) skips nothing; the overlap re-reads what long CRM
            # transactions may have committed late, behind the cursor.
            since, after_id = state.cursor_modstamp - overlap, state.cursor_id
        records = await self._pages(mapping, since, after_id, report, full_started is not None)
        deleted = 0
        if full_started is None:
            try:
                deleted = await self._deletes(mapping, state, overlap)
            except _FullResyncNeeded:
                log.warning("%s: deletes no longer reach the last sync; full resync", key)
                full_started = await crm_sync_state.begin_full(self._pool, key)
                records += await self._pages(mapping, None, None, report, True)
        if full_started is not None:
            async with self._pool.acquire() as conn, conn.transaction():
                deleted += await crm_mirror.sweep_unseen(conn, key, full_started)
                await crm_sync_state.finish_deletes(conn, key, full_started)
        await crm_sync_state.record_success(self._pool, key, records)
        observe_success(key, datetime.now(UTC))
        log.info("CRM sync of %s: %d record(s), %d deleted", key, records, deleted)
        return ObjectReport(key, records, deleted, full=full_started is not None)

    async def _pages(
        self,
        mapping: ObjectMapping,
        since: datetime | None,
        after_id: str | None,
        progress: SyncProgress,
        full: bool,
    ) -> int:
        key, size = mapping.key, self._settings.sync_page_size
        mapped = list(mapping.fields)
        total = 0
        first = True
        while True:
            variables: dict[str, Any] = {"first": size, "where": after_filter(since, after_id)}
            data = await self._crm.execute(mirror_document(mapping, with_total=first), variables)
            nodes, connection = edges_of(data, mapping)
            if first:
                progress.started(key, connection.get("totalCount"), full=full)
                first = False
            if not nodes:
                return total
            records = [mapping.decode(node) for node in nodes]
            last = records[-1]
            since, after_id = _parse_time(last["system_modstamp"]), str(last["crm_id"])
            async with self._pool.acquire() as conn, conn.transaction():
                await crm_mirror.write_page(conn, key, records, mapped, mapping.stages)
                await crm_sync_state.advance_cursor(conn, key, since, after_id)
            total += len(records)
            await progress.advanced(key, len(records))
            has_next = (connection.get("pageInfo") or {}).get("hasNextPage")
            if has_next is False or (has_next is None and len(nodes) < size):
                return total

    async def _deletes(self, mapping: ObjectMapping, state: SyncState, overlap: timedelta) -> int:
        checked = state.deletes_checked_until
        now = datetime.now(UTC)
        if checked is None or now - checked > DELETED_REACH:
            raise _FullResyncNeeded
        answer = await self._crm.rest_get(
            f"sobjects/{mapping.crm_object}/deleted/",
            {"start": crm_datetime(checked - overlap), "end": crm_datetime(now)},
        )
        earliest = answer.get("earliestDateAvailable")
        if earliest and _parse_time(earliest) > checked:
            raise _FullResyncNeeded
        ids = [str(r["id"]) for r in answer.get("deletedRecords") or [] if r.get("id")]
        covered = answer.get("latestDateCovered")
        until = min(_parse_time(covered), now) if covered else now
        async with self._pool.acquire() as conn, conn.transaction():
            deleted = await crm_mirror.mark_deleted(conn, mapping.key, ids) if ids else 0
            await crm_sync_state.finish_deletes(conn, mapping.key, until)
        return deleted


def _parse_time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
