"""The one LISTEN connection of a gateway process: notifications in, events to the broker.

Every instance runs one, so a change committed through any instance reaches the subscribers
of all of them. The connection is dedicated (a pooled one would be reset and lose its LISTENs)
and re-established with backoff when it drops; NOTIFY is not durable, so events sent while it
is down are missed (`gateway_notification_listener_connected` shows when).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import asyncpg

from gateway.background import stop_task
from gateway.store.database import mark_background
from gateway.store.notifications import CHANNELS
from gateway.subscriptions.broker import EventBroker
from gateway.subscriptions.events import parse
from gateway.subscriptions.metrics import LISTENER_CONNECTED, LISTENER_CONNECTS, NOTIFICATIONS

log = logging.getLogger(__name__)

# How the connection shows in pg_stat_activity (operators and tests find it by this name).
APPLICATION_NAME = "partner-gateway-listener"
# A link that died silently (no FIN, e.g. a dropped NAT entry) is found by a ping this often.
HEARTBEAT_SECONDS = 10.0
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0

_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class NotificationListener:
    def __init__(
        self,
        dsn: str,
        broker: EventBroker,
        channels: Sequence[str] = CHANNELS,
        *,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self._dsn = dsn
        self._broker = broker
        self._channels = tuple(channels)
        self._heartbeat = heartbeat_seconds
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def _on_notification(
        self, connection: object, pid: int, channel: str, payload: object
    ) -> None:
        NOTIFICATIONS.labels(channel=channel).inc()
        event = parse(channel, str(payload))
        if event is not None:
            self._broker.publish(channel, event)

    async def _listen(self) -> None:
        """Listen until the connection is lost (returns) or cannot be had (raises)."""
        conn = await asyncpg.connect(
            self._dsn, timeout=10, server_settings={"application_name": APPLICATION_NAME}
        )
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            for channel in self._channels:
                await conn.add_listener(channel, self._on_notification)
            LISTENER_CONNECTED.set(1)
            LISTENER_CONNECTS.inc()
            self.connected.set()
            log.info("listening for change notifications on %s", ", ".join(self._channels))
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), timeout=self._heartbeat)
                except TimeoutError:
                    await conn.execute("SELECT 1", timeout=self._heartbeat)
        finally:
            self.connected.clear()
            LISTENER_CONNECTED.set(0)
            conn.terminate()  # no goodbye needed, and close() could hang on a dead link

    async def _run(self) -> None:
        mark_background()
        retry = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._listen()
                log.warning("the notification connection was lost; reconnecting")
                retry = FIRST_RETRY_SECONDS
            except _CONNECTION_ERRORS as exc:
                log.warning(
                    "no notification connection (%r); retrying in %.1fs", exc, retry
                )
                await asyncio.sleep(retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None
