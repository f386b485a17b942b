"""What the compiled path knows how to fetch: each resolver field it supports, over many parents.

Each entry mirrors the field's resolver in gateway/schema/ through the same resolver functions
and loaders, with rows in place of Strawberry objects (`to_node` is the identity). A resolver
field missing here makes an operation fall back to Strawberry's execution.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiodataloader import DataLoader
from strawberry.types.field import StrawberryField

from gateway.context import Context
from gateway.loaders.registry import Loaders
from gateway.resolvers import deals as deal_resolvers
from gateway.resolvers import leads as lead_resolvers
from gateway.resolvers import partner_users as partner_user_resolvers
from gateway.resolvers import partners as partner_resolvers
from gateway.resolvers import training as training_resolvers
from gateway.resolvers.nodes import node_row
from gateway.store.table import Row

Args = dict[str, Any]
# Values for many parents at once, in their order; an exception in a slot is that parent's error.
BatchSource = Callable[[Context, Sequence[Any], Args], Awaitable[list[Any]]]


def _row(row: Row) -> Row:
    return row


async def _settle(awaitables: Sequence[Awaitable[Any] | None]) -> list[Any]:
    """Each awaitable's value or its exception; None stays None."""
    values: list[Any] = []
    for awaitable in awaitables:
        if awaitable is None:
            values.append(None)
            continue
        try:
            values.append(await awaitable)
        except Exception as error:  # noqa: BLE001 - the slot's field error, reported by path
            values.append(error)
    return values


def by_key(column: str, loader_of: Callable[[Loaders], DataLoader[Any, Any]]) -> BatchSource:
    """A loader keyed by one of the parent row's columns (a to-one relation, a parent's rows, a
    flag): every parent's key is queued before any is awaited, so they share one batch."""

    async def load(context: Context, rows: Sequence[Row], args: Args) -> list[Any]:
        loader = loader_of(context.loaders)
        keys = [row[column] for row in rows]
        # Many parents share a key (a hundred deals, a few partners): ask for each once.
        distinct = [key for key in dict.fromkeys(keys) if key is not None]
        values = await _settle([loader.load(key) for key in distinct])
        found = dict(zip(distinct, values, strict=True))
        return [None if key is None else found[key] for key in keys]

    return load


def per_parent(call: Callable[[Context, Any, Args], Awaitable[Any]]) -> BatchSource:
    """A resolver function called once per parent, all at once, so their loads batch."""

    async def run(context: Context, parents: Sequence[Any], args: Args) -> list[Any]:
        if len(parents) == 1:
            return await _settle([call(context, parents[0], args)])
        results = await asyncio.gather(
            *(call(context, parent, args) for parent in parents), return_exceptions=True
        )
        return list(results)

    return run


def _root(call: Callable[[Context, Args], Awaitable[Any]]) -> BatchSource:
    return per_parent(lambda context, _root_value, args: call(context, args))


def _deals_of(parent: str) -> BatchSource:
    return per_parent(
        lambda context, row, a: deal_resolvers.deals_of(
            context, parent, row["id"], a["first"], a.get("after"), a.get("filter"),  # type: ignore[arg-type]
            a.get("order_by"), _row,
        )
    )


# A resolver field's `strawberry.Info` for the parent at an index, as Strawberry builds it.
InfoFor = Callable[[int], Any]
# Values for many parents, from the field's own resolver (which is handed its Info).
ResolverSource = Callable[[Context, Sequence[Any], Args, InfoFor], Awaitable[list[Any]]]


def via_resolver(field: StrawberryField, parent_value: Callable[[Any], Any]) -> ResolverSource:
    """A field whose resolver builds Strawberry objects (a tier, a key), called as Strawberry
    calls it (strawberry.schema.schema_converter.get_arguments) on the parent's object."""
    resolver = field.base_resolver
    assert resolver is not None

    def call(parent: Any, args: Args, info: Any) -> Awaitable[Any]:
        source = parent_value(parent)
        kwargs = dict(args)
        for parameter in (resolver.parent_parameter, resolver.root_parameter):
            if parameter is not None:
                kwargs[parameter.name] = source
        if resolver.info_parameter is not None:
            kwargs[resolver.info_parameter.name] = info
        result = resolver(*([source] if resolver.self_parameter else []), **kwargs)
        return result if inspect.isawaitable(result) else _ready(result)

    async def run(
        context: Context, parents: Sequence[Any], args: Args, info_for: InfoFor
    ) -> list[Any]:
        calls = [call(parent, args, info_for(index)) for index, parent in enumerate(parents)]
        if len(calls) == 1:
            return await _settle(calls)
        return list(await asyncio.gather(*calls, return_exceptions=True))

    return run


async def _ready(value: Any) -> Any:
    return value


async def _conflicts(context: Context, row: Row, args: Args) -> list[Row]:
    loaders = context.loaders
    ids = await loaders.conflicting_deal_ids_by_deal_id.load(row["id"])
    rows = await loaders.deal_by_id.load_many(ids)
    return [found for found in rows if found is not None]


async def _total_count(context: Context, connection: Any, args: Args) -> int:
    counted: int = await connection.counter()
    return counted


SOURCES: dict[tuple[str, str], BatchSource] = {
    ("Query", "node"): _root(lambda context, a: node_row(context, a["id"])),
    ("Query", "partner"): _root(
        lambda context, a: partner_resolvers.partner_by_slug(context, a["slug"])
    ),
    ("Query", "partners"): _root(
        lambda context, a: partner_resolvers.partners(
            context, a["first"], a.get("after"), a.get("filter"), a.get("order_by"), _row
        )
    ),
    ("Query", "deals"): _root(
        lambda context, a: deal_resolvers.deals(
            context, a["first"], a.get("after"), a.get("filter"), a.get("order_by"), _row
        )
    ),
    ("Query", "leads"): _root(
        lambda context, a: lead_resolvers.leads(
            context, a["first"], a.get("after"), a.get("filter"), a.get("order_by"), _row
        )
    ),
    ("Query", "courses"): _root(
        lambda context, a: training_resolvers.courses(
            context, a["first"], a.get("after"), a.get("filter"), _row
        )
    ),
    ("Deal", "partner"): by_key("partner_id", lambda loaders: loaders.partner_by_id),
    ("Deal", "owner"): by_key("owner_id", lambda loaders: loaders.partner_user_by_id),
    ("Deal", "hasConflict"): by_key("id", lambda loaders: loaders.has_conflict_by_deal_id),
    ("Deal", "conflicts"): per_parent(_conflicts),
    ("Partner", "channelManager"): by_key(
        "channel_manager_id", lambda loaders: loaders.vendor_user_by_id
    ),
    ("Partner", "deals"): _deals_of("partner"),
    ("Partner", "users"): per_parent(
        lambda context, row, a: partner_user_resolvers.partner_users(
            context, row["id"], a["first"], a.get("after"), a.get("filter"), _row
        )
    ),
    ("Partner", "leads"): per_parent(
        lambda context, row, a: lead_resolvers.partner_leads(
            context, row["id"], a["first"], a.get("after"), a.get("filter"), a.get("order_by"),
            _row,
        )
    ),
    ("PartnerUser", "partner"): by_key("partner_id", lambda loaders: loaders.partner_by_id),
    ("PartnerUser", "deals"): _deals_of("owner"),
    ("PartnerUser", "enrollments"): by_key("id", lambda loaders: loaders.enrollments_by_user_id),
    ("PartnerUser", "certifications"): by_key(
        "id", lambda loaders: loaders.certifications_by_user_id
    ),
    ("Lead", "partner"): by_key("assigned_partner_id", lambda loaders: loaders.partner_by_id),
    ("Lead", "assignee"): by_key(
        "assigned_user_id", lambda loaders: loaders.partner_user_by_id
    ),
    ("Lead", "convertedDeal"): by_key("converted_deal_id", lambda loaders: loaders.deal_by_id),
    ("Course", "enrollments"): per_parent(
        lambda context, row, a: training_resolvers.course_enrollments(
            context, row["id"], a["first"], a.get("after"), a.get("filter"), _row
        )
    ),
    ("Enrollment", "user"): by_key("user_id", lambda loaders: loaders.partner_user_by_id),
    ("Enrollment", "course"): by_key("course_id", lambda loaders: loaders.course_by_id),
    ("Certification", "user"): by_key("user_id", lambda loaders: loaders.partner_user_by_id),
    ("Certification", "course"): by_key("course_id", lambda loaders: loaders.course_by_id),
}

# `totalCount` on every connection type.
TOTAL_COUNT: BatchSource = per_parent(_total_count)
