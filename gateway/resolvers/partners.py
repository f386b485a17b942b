"""Partner lists and lookups, scoped by the grant's Partner scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.authz.row_check import within_scope
from gateway.context import Context
from gateway.resolvers.ids import enum_values
from gateway.resolvers.lists import order_by, require_read, root_connection
from gateway.resolvers.live import live_overlay
from gateway.schema import inputs
from gateway.schema.pagination import Connection
from gateway.store import table as rows
from gateway.store.partners import PARTNERS
from gateway.store.partners import PartnerFilter as StorePartnerFilter
from gateway.store.sql import OrderBy, PageRequest
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def partner_filter(given: inputs.PartnerFilter | None) -> StorePartnerFilter:
    if given is None:
        return StorePartnerFilter()
    return StorePartnerFilter(
        regions=enum_values(given.regions),
        statuses=enum_values(given.statuses),
        tiers=enum_values(given.tiers),
        slugs=None if given.slugs is None else frozenset(given.slugs),
        updated_since=given.updated_since,
        search=given.search,
    )


async def partners(
    context: Context,
    first: int,
    after: str | None,
    given_filter: inputs.PartnerFilter | None,
    order: inputs.PartnerOrder | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    return await root_connection(
        context,
        table=PARTNERS,
        object_type="Partner",
        row_filter=partner_filter(given_filter),
        first=first,
        after=after,
        order=order_by(order),
        to_node=to_node,
        by_id=context.loaders.partner_by_id,
        overlay=live_overlay(context, "partners"),
    )


async def partner_by_slug(context: Context, slug: str) -> Row | None:
    require_read(context, "Partner")
    scope = context.grant.row_scope("Partner")
    fetched = await rows.fetch_page(
        context.db,
        PARTNERS,
        StorePartnerFilter(slugs=frozenset({slug})),
        PageRequest(first=1, order=OrderBy("id")),
        scope,
    )
    found = within_scope(PARTNERS, scope, fetched)
    if found:
        context.loaders.partner_by_id.prime_rows(found)
    return found[0] if found else None
