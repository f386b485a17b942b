"""The CRM outbox as a list, scoped by the grant's OutboxEntry scope (vendor staff only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.ids import database_ids, enum_values
from gateway.resolvers.lists import root_connection
from gateway.schema.outbox import OutboxFilter
from gateway.schema.pagination import Connection
from gateway.store.outbox import OUTBOX
from gateway.store.outbox import OutboxFilter as StoreFilter
from gateway.store.sql import OrderBy
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def outbox_filter(given: OutboxFilter | None) -> StoreFilter:
    if given is None:
        return StoreFilter()
    return StoreFilter(
        statuses=enum_values(given.statuses), deal_ids=database_ids(given.deal_ids, "Deal")
    )


async def outbox(
    context: Context,
    first: int,
    after: str | None,
    given_filter: OutboxFilter | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    """Oldest first, the order entries are delivered in."""
    return await root_connection(
        context,
        table=OUTBOX,
        object_type="OutboxEntry",
        row_filter=outbox_filter(given_filter),
        first=first,
        after=after,
        order=OrderBy("id"),
        to_node=to_node,
    )
