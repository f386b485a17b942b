"""API keys' last use, kept in memory and written in one batched statement now and then.

Writing `last_used_at` on every request would turn each read into a write; a key's last use
only needs to be right to within a flush interval.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from gateway.background import stop_task
from gateway.store import api_keys as api_keys_store
from gateway.store.database import Executor, mark_background

log = logging.getLogger(__name__)


class LastUsedRecorder:
    def __init__(self, db: Executor, interval_seconds: float) -> None:
        self._db = db
        self._interval = interval_seconds
        self._pending: dict[str, datetime] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> dict[str, datetime]:
        """A copy of what the next flush will write."""
        return dict(self._pending)

    def note(self, key_id: str, when: datetime) -> None:
        known = self._pending.get(key_id)
        if known is None or when > known:
            self._pending[key_id] = when

    async def flush(self) -> int:
        """Write what is pending in one statement; answers how many keys it wrote."""
        if not self._pending:
            return 0
        batch, self._pending = self._pending, {}
        try:
            await api_keys_store.record_last_used(self._db, batch)
        except BaseException:
            # Kept for the next flush (with any newer use noted meanwhile), not lost.
            for key_id, when in batch.items():
                self.note(key_id, when)
            raise
        return len(batch)

    async def _flush_periodically(self) -> None:
        mark_background()
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception as exc:  # the database may be back by the next round
                log.warning("could not record API keys' last use, will retry: %s", exc)

    def start(self) -> None:
        """Begin flushing every interval (call from a running loop, e.g. a lifespan)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._flush_periodically())

    async def stop(self) -> None:
        """Stop the periodic flush, then write whatever is still pending."""
        await stop_task(self._task)
        self._task = None
        try:
            await self.flush()
        except Exception as exc:
            log.warning("could not record API keys' last use on shutdown: %s", exc)
