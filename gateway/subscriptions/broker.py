"""In-process fan-out: each subscription gets a bounded queue; publishing never waits.

A subscriber that falls behind until its queue is full is dropped (with a log line): its
subscription ends with a SUBSCRIPTION_OVERFLOW error, so the client knows to resubscribe and
re-read, rather than silently missing events while everyone else waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from gateway.errors import GatewayError
from gateway.subscriptions.events import Event
from gateway.subscriptions.metrics import DROPPED_SUBSCRIBERS, SUBSCRIBERS

log = logging.getLogger(__name__)

SUBSCRIPTION_OVERFLOW = "SUBSCRIPTION_OVERFLOW"


class SubscriptionOverflow(GatewayError):
    code = SUBSCRIPTION_OVERFLOW


class Inbox:
    """One subscription's queue of events on one channel."""

    def __init__(self, channel: str, size: int) -> None:
        self.channel = channel
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=size)
        self.overflowed = False

    def offer(self, event: Event) -> bool:
        """Queue `event` without waiting; False (and overflowed from then on) when full."""
        if self.overflowed:
            return False
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            return False
        return True

    async def get(self) -> Event:
        if self.overflowed:
            raise SubscriptionOverflow(
                "You fell behind and missed events: subscribe again and re-read what you need"
            )
        return await self._queue.get()


class EventBroker:
    """Hands each event to every inbox on its channel. Only the event loop's thread uses it."""

    def __init__(self, queue_size: int) -> None:
        self.queue_size = queue_size
        self._inboxes: dict[str, set[Inbox]] = defaultdict(set)

    @contextmanager
    def subscribe(self, channel: str) -> Iterator[Inbox]:
        inbox = Inbox(channel, self.queue_size)
        self._inboxes[channel].add(inbox)
        SUBSCRIBERS.labels(channel=channel).inc()
        try:
            yield inbox
        finally:
            self._remove(inbox)

    def subscribers(self, channel: str) -> int:
        return len(self._inboxes[channel])

    def publish(self, channel: str, event: Event) -> None:
        for inbox in list(self._inboxes[channel]):
            if not inbox.offer(event):
                log.warning(
                    "dropped a slow subscriber of %s: %d events were waiting for it",
                    channel,
                    self.queue_size,
                )
                DROPPED_SUBSCRIBERS.labels(channel=channel).inc()
                self._remove(inbox)

    def _remove(self, inbox: Inbox) -> None:
        # Twice for a dropped subscriber (here, then when its subscription ends): count once.
        inboxes = self._inboxes[inbox.channel]
        if inbox in inboxes:
            inboxes.discard(inbox)
            SUBSCRIBERS.labels(channel=inbox.channel).dec()
