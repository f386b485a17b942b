"""What each subscription delivers: the events its caller may see, each checked afresh.

Per event: a cheap first look at the event's partner and owner against the caller's row scope
(most subscribers of a busy gateway belong to other partners), then the authoritative check,
loading the object through the caller's own scoped loader. An object the caller may not see
is skipped silently, exactly as a list leaves out a row outside the scope.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Generic, TypeVar

from gateway.loaders.batching import RowByIdLoader
from gateway.loaders.registry import Loaders
from gateway.resolvers.lists import require_read
from gateway.store.notifications import DEAL_STATUS_CHANGED, LEAD_ASSIGNED
from gateway.store.table import Row
from gateway.subscriptions.connection import ConnectionContext
from gateway.subscriptions.events import DealStatusChanged, Event, LeadAssigned

EventT = TypeVar("EventT", bound=Event)


@dataclass(frozen=True)
class Feed(Generic[EventT]):
    """A channel, the events on it, and how to find the object each is about."""

    channel: str
    event_type: type[EventT]
    object_type: str
    loader: Callable[[Loaders], RowByIdLoader]
    # (object id, partner id, owner id) of the event, for the checks.
    about: Callable[[EventT], tuple[int, int, int | None]]


LEAD_FEED = Feed(
    LEAD_ASSIGNED,
    LeadAssigned,
    "Lead",
    lambda loaders: loaders.lead_by_id,
    lambda e: (e.lead_id, e.partner_id, e.assigned_user_id),
)
DEAL_FEED = Feed(
    DEAL_STATUS_CHANGED,
    DealStatusChanged,
    "Deal",
    lambda loaders: loaders.deal_by_id,
    lambda e: (e.deal_id, e.partner_id, e.owner_id),
)


async def visible_events(
    context: ConnectionContext, feed: Feed[EventT]
) -> AsyncGenerator[tuple[EventT, Row], None]:
    # Subscribed before the checks, so no event slips by between checking and listening.
    with context.events.subscribe(feed.channel) as inbox:
        await context.refresh()
        require_read(context, feed.object_type)
        while True:
            event = await inbox.get()
            if not isinstance(event, feed.event_type):
                continue
            object_id, partner_id, owner_id = feed.about(event)
            if not context.grant.row_scope(feed.object_type).admits(partner_id, owner_id):
                continue
            await context.refresh()
            row = await feed.loader(context.loaders).load(object_id)
            if row is not None:
                yield event, row


async def lead_assignments(context: ConnectionContext) -> AsyncGenerator[Row, None]:
    """Leads as they are assigned, for whoever may read them once assigned."""
    # aclosing: when the client stops, the inner stream unsubscribes now, not at collection.
    async with aclosing(visible_events(context, LEAD_FEED)) as events:
        async for _, lead in events:
            yield lead


def deal_status_changes(
    context: ConnectionContext,
) -> AsyncGenerator[tuple[DealStatusChanged, Row], None]:
    """Deals whose registration status changed, with the change, for whoever may read them."""
    return visible_events(context, DEAL_FEED)
