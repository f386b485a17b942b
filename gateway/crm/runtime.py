"""The CRM inside the server: one client for live reads and the mirror, and the periodic sync
(every CRM_SYNC_INTERVAL_SECONDS; off without CRM_URL or with an interval of 0)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from gateway.authz.grant import Grant
from gateway.background import stop_task
from gateway.crm.client import CrmClient
from gateway.crm.lag import observe_success
from gateway.crm.live import LiveReads
from gateway.crm.mapping import CrmMapping
from gateway.crm.settings import CrmSettings
from gateway.crm.sync import MirrorSync
from gateway.store import crm_sync_state
from gateway.store.database import Executor, mark_background

log = logging.getLogger(__name__)


class CrmRuntime:
    """Started and stopped by the app's lifespan; `client` is None when no CRM is configured."""

    def __init__(self, pool: asyncpg.Pool, settings: CrmSettings) -> None:
        self._pool = pool
        self._settings = settings
        # Read at start: a broken mapping stops the server with a clear error.
        self.mapping = CrmMapping.load(settings.mapping_path)
        self.client = CrmClient(settings) if settings.configured else None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.client is None:
            return
        await self.client.connect()
        if self._settings.sync_interval_seconds > 0:
            self._task = asyncio.get_running_loop().create_task(self._run())
        else:
            log.info("the periodic CRM sync is off (CRM_SYNC_INTERVAL_SECONDS=0)")

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None
        if self.client is not None:
            await self.client.close()

    def live_reads(self, db: Executor, grant: Grant) -> LiveReads | None:
        """A request's live sources; None when no CRM is configured."""
        if self.client is None:
            return None
        return LiveReads(self.client, self._settings, self.mapping, db, grant)

    async def sync_once(self) -> None:
        assert self.client is not None
        await MirrorSync(self.client, self._pool, self.mapping).run()
        # Another process (the CLI, another instance) may have synced: the lag follows the store.
        for state in await crm_sync_state.load_all(self._pool):
            observe_success(state.object, state.last_success_at)

    async def _run(self) -> None:
        mark_background()
        # The first round at once: a freshly started gateway mirrors what changed while it was
        # down. Instances share the work through each object's advisory lock.
        while True:
            try:
                await self.sync_once()
            except Exception:  # the loop must outlive any one bad round
                log.exception("a CRM sync round failed; trying again next interval")
            await asyncio.sleep(self._settings.sync_interval_seconds)
