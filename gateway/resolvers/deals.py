"""Deal lists: root, per partner and per owner, scoped by the grant's Deal scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from gateway.context import Context
from gateway.resolvers.ids import database_ids, enum_values
from gateway.resolvers.lists import child_connection, order_by, root_connection
from gateway.resolvers.live import live_overlay
from gateway.schema import inputs
from gateway.schema.pagination import Connection
from gateway.store.deals import DEALS
from gateway.store.deals import DealFilter as StoreDealFilter
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def deal_filter(given: inputs.DealFilter | None) -> StoreDealFilter:
    if given is None:
        return StoreDealFilter()
    return StoreDealFilter(
        statuses=enum_values(given.statuses),
        stages=enum_values(given.stages),
        regions=enum_values(given.regions),
        partner_ids=database_ids(given.partner_ids, "Partner"),
        product=given.product,
        updated_since=given.updated_since,
        customer=given.customer,
    )


async def deals(
    context: Context,
    first: int,
    after: str | None,
    given_filter: inputs.DealFilter | None,
    order: inputs.DealOrder | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    return await root_connection(
        context,
        table=DEALS,
        object_type="Deal",
        row_filter=deal_filter(given_filter),
        first=first,
        after=after,
        order=order_by(order),
        to_node=to_node,
        by_id=context.loaders.deal_by_id,
        overlay=live_overlay(context, "deals"),
    )


async def deals_of(
    context: Context,
    parent: Literal["partner", "owner"],
    parent_id: int,
    first: int,
    after: str | None,
    given_filter: inputs.DealFilter | None,
    order: inputs.DealOrder | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    """A partner's deals, or an owner's: one batched page per parent."""
    loaders = context.loaders
    if parent == "partner":
        pages, counts = loaders.deals_by_partner_id, loaders.deal_count_by_partner_id
    else:
        pages, counts = loaders.deals_by_owner_id, loaders.deal_count_by_owner_id
    return await child_connection(
        context,
        object_type="Deal",
        pages=pages,
        counts=counts,
        parent_id=parent_id,
        row_filter=deal_filter(given_filter),
        first=first,
        after=after,
        order=order_by(order),
        to_node=to_node,
        overlay=live_overlay(context, "deals"),
    )
