"""Denials on the read path are buffered and written in batches, off the request's path."""

from __future__ import annotations

import asyncio
import logging

from gateway.audit.events import AuditEvent
from gateway.background import stop_task
from gateway.store import audit as audit_store
from gateway.store.database import Executor, mark_background

log = logging.getLogger(__name__)

# Far more than a healthy second's worth; beyond it, events are dropped (and counted in the log)
# rather than growing memory without bound while the database is away.
MAX_PENDING = 50_000


class AuditBuffer:
    def __init__(self, db: Executor, interval_seconds: float = 1.0) -> None:
        self._db = db
        self._interval = interval_seconds
        self._pending: list[AuditEvent] = []
        self._dropped = 0
        self._task: asyncio.Task[None] | None = None

    def add(self, event: AuditEvent) -> None:
        if len(self._pending) >= MAX_PENDING:
            self._dropped += 1
            return
        self._pending.append(event)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def flush(self) -> int:
        batch, self._pending = self._pending, []
        if self._dropped:
            log.error("dropped %d audit events: the audit buffer was full", self._dropped)
            self._dropped = 0
        if not batch:
            return 0
        try:
            await audit_store.append(self._db, batch)
        except Exception:
            # Kept for the next flush (oldest first) so a database blip loses nothing.
            self._pending = batch + self._pending
            log.exception("could not write %d audit events; will retry", len(batch))
            return 0
        return len(batch)

    async def _run(self) -> None:
        mark_background()
        while True:
            await asyncio.sleep(self._interval)
            await self.flush()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None
        await self.flush()
