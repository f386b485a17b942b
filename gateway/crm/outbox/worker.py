"""The outbox worker: passes that claim one due entry at a time, deliver it and settle it.

Several gateways may run passes side by side: an entry is claimed under `FOR UPDATE SKIP
LOCKED` and leased, so each entry is in one worker's hands at a time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass

import asyncpg

from gateway.background import stop_task
from gateway.crm.client import CrmClient
from gateway.crm.outbox.delivery import Delivered, Failed, Retry, Settlement, deliver
from gateway.crm.outbox.mapping import WriteMapping
from gateway.crm.outbox.settings import OutboxSettings
from gateway.crm.settings import CrmSettings
from gateway.metrics import CRM_OUTBOX_DELIVERIES, CRM_OUTBOX_ENTRIES
from gateway.store import outbox as outbox_store
from gateway.store.database import mark_background
from gateway.store.table import Row

log = logging.getLogger(__name__)

INTERRUPTED = "delivery interrupted: the gateway stopped mid-call"
UNEXPECTED_ERROR_DELAY = 60.0


@dataclass
class PassReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    # Why the pass stopped early (the CRM is unavailable or its allowance is spent).
    paused: str | None = None

    @property
    def settled(self) -> int:
        return self.delivered + self.retried + self.failed


def outbox_client(settings: CrmSettings) -> CrmClient:
    """A client making one try per call: the outbox persists its retries (see delivery.py)."""
    return CrmClient(dataclasses.replace(settings, retry_attempts=1))


async def deliver_pass(pool: asyncpg.Pool, crm: CrmClient, settings: OutboxSettings) -> PassReport:
    """Deliver due entries until none is left, `batch_size` are settled, or the CRM pauses us."""
    report = PassReport()
    try:
        while report.settled < settings.batch_size:
            if crm.circuit.is_open:  # the allowance is spent: claiming would only count attempts
                report.paused = "the CRM's API allowance is spent; calls are paused"
                break
            claimed = await outbox_store.claim_due(pool, 1, settings.lease_seconds)
            if not claimed:
                break
            settlement = await _deliver_leased(pool, crm, settings.mapping, claimed[0])
            await _settle(pool, claimed[0], settlement)
            if isinstance(settlement, Delivered):
                report.delivered += 1
            elif isinstance(settlement, Failed):
                report.failed += 1
                log.error("outbox entry %s failed for good: %s", claimed[0]["id"], settlement.error)
            else:
                report.retried += 1
                if settlement.pause:
                    report.paused = settlement.error
                    break
    finally:
        await refresh_gauge(pool)
    return report


async def refresh_gauge(pool: asyncpg.Pool) -> None:
    for status, total in (await outbox_store.status_counts(pool)).items():
        CRM_OUTBOX_ENTRIES.labels(status=status).set(total)


async def _deliver_leased(
    pool: asyncpg.Pool, crm: CrmClient, mapping: WriteMapping, entry: Row
) -> Settlement:
    try:
        return await deliver(crm, mapping, entry)
    except Exception as exc:  # a bug must not strand the entry under its lease
        log.exception("outbox entry %s: delivery raised", entry["id"])
        return Retry(f"{type(exc).__name__}: {exc}", UNEXPECTED_ERROR_DELAY, pause=True)
    except asyncio.CancelledError:
        # Hand the entry back at once rather than when its lease runs out; the call may have
        # reached the CRM, which the next attempt's look-up covers.
        await outbox_store.mark_retry(pool, entry["id"], entry["claimed_until"], INTERRUPTED, 0)
        raise


async def _settle(pool: asyncpg.Pool, entry: Row, settlement: Settlement) -> None:
    lease = entry["claimed_until"]
    if isinstance(settlement, Delivered):
        is_create = entry["operation"] == "create"
        held = await outbox_store.mark_delivered(
            pool, entry["id"], lease, settlement.crm_record_id, is_create
        )
        outcome = "delivered"
    elif isinstance(settlement, Retry):
        held = await outbox_store.mark_retry(
            pool, entry["id"], lease, settlement.error, settlement.delay
        )
        outcome = "retried"
    else:
        held = await outbox_store.mark_failed(
            pool, entry["id"], lease, settlement.error, settlement.failure
        )
        outcome = "failed"
    if not held:
        # The lease ran out mid-call and another worker took the entry over; its result stands.
        log.warning("outbox entry %s: lease lost before settling (%s)", entry["id"], outcome)
        outcome = "lease_lost"
    CRM_OUTBOX_DELIVERIES.labels(outcome=outcome).inc()


class OutboxWorker:
    """Runs a pass every `interval_seconds` inside the server, while the server runs."""

    def __init__(self, pool: asyncpg.Pool, crm: CrmSettings, settings: OutboxSettings) -> None:
        self._pool = pool
        self._crm_settings = crm
        self._settings = settings
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if not self._crm_settings.configured:
            return  # no CRM: entries wait in the outbox until one is configured
        if self._settings.interval_seconds <= 0:
            log.info("CRM outbox delivery is off in this instance (CRM_OUTBOX_INTERVAL_SECONDS=0)")
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None

    async def _run(self) -> None:
        mark_background()
        async with outbox_client(self._crm_settings) as crm:
            while True:
                try:
                    report = await deliver_pass(self._pool, crm, self._settings)
                    if report.settled:
                        log.info("CRM outbox: %s", report)
                except Exception:  # the loop must outlive any one bad pass
                    log.exception("a CRM outbox pass failed; trying again next interval")
                await asyncio.sleep(self._settings.interval_seconds)
