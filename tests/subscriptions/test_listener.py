"""The process's one LISTEN connection: typed events to the broker, and back after a drop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.metrics import REGISTRY
from gateway.store.notifications import LEAD_ASSIGNED
from gateway.subscriptions.broker import EventBroker
from gateway.subscriptions.events import LeadAssigned
from gateway.subscriptions.listener import APPLICATION_NAME, NotificationListener


@pytest.fixture
async def listening(
    subscriptions_dsn: str,
) -> AsyncIterator[tuple[NotificationListener, EventBroker]]:
    broker = EventBroker(queue_size=10)
    listener = NotificationListener(subscriptions_dsn, broker, heartbeat_seconds=0.5)
    listener.start()
    try:
        await asyncio.wait_for(listener.connected.wait(), 10)
        yield listener, broker
    finally:
        await listener.stop()


async def notify(db: asyncpg.Pool, payload: str) -> None:
    await db.execute("SELECT pg_notify($1, $2)", LEAD_ASSIGNED, payload)


async def test_notifications_become_events(
    listening: tuple[NotificationListener, EventBroker], db: asyncpg.Pool
) -> None:
    _, broker = listening
    with broker.subscribe(LEAD_ASSIGNED) as inbox:
        await notify(db, '{"leadId": "garbage"}')
        await notify(db, '{"leadId": 7, "partnerId": 1, "assignedUserId": 4}')
        assert await asyncio.wait_for(inbox.get(), 5) == LeadAssigned(7, 1, 4)


def connects() -> float:
    return REGISTRY.get_sample_value("gateway_notification_listener_connects_total") or 0.0


async def test_the_listener_comes_back_when_its_connection_is_killed(
    listening: tuple[NotificationListener, EventBroker], db: asyncpg.Pool
) -> None:
    listener, broker = listening
    before = connects()
    # This module's database has one listener: this test's (the servers use other databases).
    killed = await db.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = $1 AND datname = current_database()",
        APPLICATION_NAME,
    )
    assert killed == 1
    async with asyncio.timeout(10):
        while True:
            if connects() == before + 1 and listener.connected.is_set():
                break
            await asyncio.sleep(0.02)
    with broker.subscribe(LEAD_ASSIGNED) as inbox:
        await notify(db, '{"leadId": 8, "partnerId": 1, "assignedUserId": null}')
        assert await asyncio.wait_for(inbox.get(), 5) == LeadAssigned(8, 1, None)
