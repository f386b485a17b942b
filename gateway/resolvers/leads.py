"""Lead lists: root and per partner, scoped by the grant's Lead scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.ids import database_ids, enum_values
from gateway.resolvers.lists import child_connection, order_by, root_connection
from gateway.resolvers.live import live_overlay
from gateway.schema import inputs
from gateway.schema.pagination import Connection
from gateway.store.leads import LEADS
from gateway.store.leads import LeadFilter as StoreLeadFilter
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def lead_filter(given: inputs.LeadFilter | None) -> StoreLeadFilter:
    if given is None:
        return StoreLeadFilter()
    return StoreLeadFilter(
        statuses=enum_values(given.statuses),
        regions=enum_values(given.regions),
        sources=enum_values(given.sources),
        partner_ids=database_ids(given.partner_ids, "Partner"),
        updated_since=given.updated_since,
        company=given.company,
    )


async def leads(
    context: Context,
    first: int,
    after: str | None,
    given_filter: inputs.LeadFilter | None,
    order: inputs.LeadOrder | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    return await root_connection(
        context,
        table=LEADS,
        object_type="Lead",
        row_filter=lead_filter(given_filter),
        first=first,
        after=after,
        order=order_by(order),
        to_node=to_node,
        by_id=context.loaders.lead_by_id,
        overlay=live_overlay(context, "leads"),
    )


async def partner_leads(
    context: Context,
    partner_id: int,
    first: int,
    after: str | None,
    given_filter: inputs.LeadFilter | None,
    order: inputs.LeadOrder | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    return await child_connection(
        context,
        object_type="Lead",
        pages=context.loaders.leads_by_partner_id,
        counts=context.loaders.lead_count_by_partner_id,
        parent_id=partner_id,
        row_filter=lead_filter(given_filter),
        first=first,
        after=after,
        order=order_by(order),
        to_node=to_node,
        overlay=live_overlay(context, "leads"),
    )
