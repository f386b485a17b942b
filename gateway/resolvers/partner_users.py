"""A partner's people, scoped by the grant's PartnerUser scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.ids import enum_values
from gateway.resolvers.lists import child_connection
from gateway.schema import inputs
from gateway.schema.pagination import Connection
from gateway.store.partner_users import PartnerUserFilter as StorePartnerUserFilter
from gateway.store.sql import OrderBy
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def partner_user_filter(given: inputs.PartnerUserFilter | None) -> StorePartnerUserFilter:
    if given is None:
        return StorePartnerUserFilter()
    return StorePartnerUserFilter(
        roles=enum_values(given.roles), active=given.active, updated_since=given.updated_since
    )


async def partner_users(
    context: Context,
    partner_id: int,
    first: int,
    after: str | None,
    given_filter: inputs.PartnerUserFilter | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    return await child_connection(
        context,
        object_type="PartnerUser",
        pages=context.loaders.users_by_partner_id,
        counts=context.loaders.user_count_by_partner_id,
        parent_id=partner_id,
        row_filter=partner_user_filter(given_filter),
        first=first,
        after=after,
        order=OrderBy("id"),
        to_node=to_node,
    )
