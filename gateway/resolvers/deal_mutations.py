"""Deal mutations: GraphQL inputs to workflow calls, each inside `run_mutation`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from gateway.context import Context
from gateway.errors import InvalidId
from gateway.schema.node import from_global_id
from gateway.store.table import Row
from gateway.workflows import deals as deal_rules
from gateway.workflows.mutation import Done, Outcome, run_mutation
from gateway.workflows.rejection import NOT_FOUND, Rejected


def database_id(global_id: str | None, type_name: str, field: str) -> int | None:
    """An id argument of a mutation: a malformed one is the caller's mistake, a userError."""
    if global_id is None:
        return None
    try:
        return from_global_id(global_id, expected=type_name)[1]
    except InvalidId:
        raise Rejected(NOT_FOUND, f"no such {type_name}", field) from None


async def register(
    context: Context, registration: Callable[[], deal_rules.Registration]
) -> Outcome[Row]:
    async def work(conn: asyncpg.Connection) -> Done[Row]:
        deal = await deal_rules.register(conn, context.principal, registration())
        return Done(deal, deal["id"], {"customerDomain": deal["customer_domain"]})

    return await run_mutation(
        context,
        operation="registerDeal",
        object_type="Deal",
        action="create",
        object_id=None,
        work=work,
    )


async def on_deal(
    context: Context,
    operation: str,
    action: str,
    deal_global_id: str,
    change: Callable[[asyncpg.Connection, Row], Awaitable[Row]],
    detail: dict[str, Any] | None = None,
) -> Outcome[Row]:
    """The shared shape of every mutation of one existing deal."""
    try:
        deal_id = database_id(deal_global_id, "Deal", "id")
    except Rejected as rejected:
        return Outcome(errors=[rejected])
    assert deal_id is not None
    scope = context.grant.row_scope("Deal")

    async def work(conn: asyncpg.Connection) -> Done[Row]:
        deal = await deal_rules.locked(conn, deal_id, scope, action)
        changed = await change(conn, deal)
        await deal_rules.announce(conn, changed, deal["status"])
        return Done(
            changed, deal_id, {**(detail or {}), "from": deal["status"], "to": changed["status"]}
        )

    return await run_mutation(
        context,
        operation=operation,
        object_type="Deal",
        action=action,
        object_id=deal_id,
        work=work,
    )
