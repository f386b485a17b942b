"""Lead mutations: GraphQL inputs to workflow calls, each inside `run_mutation`.

Vendor staff reach the pool of leads no partner holds (new and recalled ones) besides their
Lead scope; partners reach only their own. A payload shows a lead only while the caller may
still see it: a partner that rejects a lead gets `lead: null` once it has moved on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from gateway.context import Context
from gateway.resolvers.deal_mutations import database_id
from gateway.store.table import Row
from gateway.workflows import leads as lead_rules
from gateway.workflows.mutation import Done, Outcome, run_mutation
from gateway.workflows.rejection import INVALID_INPUT, Rejected


def _visible(context: Context, outcome: Outcome[Row]) -> Outcome[Row]:
    lead = outcome.value
    if lead is None:
        return outcome
    partner_id, user_id = lead["assigned_partner_id"], lead["assigned_user_id"]
    in_pool = context.grant.is_vendor and partner_id is None
    if in_pool or context.grant.row_scope("Lead").admits(partner_id, user_id):
        return outcome
    return Outcome(errors=outcome.errors)


async def create(context: Context, new_lead: Callable[[], lead_rules.NewLead]) -> Outcome[Row]:
    async def work(conn: asyncpg.Connection) -> Done[Row]:
        lead = await lead_rules.create(conn, new_lead())
        return Done(lead, lead["id"], {"region": lead["region"], "source": lead["source"]})

    outcome = await run_mutation(
        context,
        operation="createLead",
        object_type="Lead",
        action="create",
        object_id=None,
        work=work,
    )
    return _visible(context, outcome)


async def on_lead(
    context: Context,
    operation: str,
    action: str,
    lead_global_id: str,
    change: Callable[[asyncpg.Connection, Row], Awaitable[Row]],
    detail: Callable[[Row], dict[str, Any]] | None = None,
) -> Outcome[Row]:
    """The shared shape of every mutation of one existing lead."""
    try:
        lead_id = database_id(lead_global_id, "Lead", "id")
    except Rejected as rejected:
        return Outcome(errors=[rejected])
    assert lead_id is not None
    scope = context.grant.row_scope("Lead")
    include_pool = context.grant.is_vendor

    async def work(conn: asyncpg.Connection) -> Done[Row]:
        lead = await lead_rules.locked(conn, lead_id, scope, action, include_pool)
        changed = await change(conn, lead)
        # Partner ids stay out of partners' audit rows: a partner admin reads its own events.
        extra = {} if detail is None else detail(changed)
        return Done(changed, lead_id, {**extra, "from": lead["status"], "to": changed["status"]})

    outcome = await run_mutation(
        context,
        operation=operation,
        object_type="Lead",
        action=action,
        object_id=lead_id,
        work=work,
    )
    return _visible(context, outcome)


def _lead_ids(global_ids: list[str]) -> list[int]:
    found: list[int] = []
    for global_id in global_ids:
        lead_id = database_id(global_id, "Lead", "ids")
        assert lead_id is not None
        found.append(lead_id)
    return found


async def auto_assign(
    context: Context, global_ids: list[str] | None, limit: int | None
) -> Outcome[list[Row]]:
    """Named leads (all or nothing) or up to `limit` waiting ones, by the distribution rule,
    to partners inside the caller's Partner scope."""
    scope = context.grant.row_scope("Lead")
    include_pool = context.grant.is_vendor
    rule = lead_rules.distribution_rule(context.grant.row_scope("Partner"))
    sla_hours = context.settings.lead_sla_hours

    async def work(conn: asyncpg.Connection) -> Done[list[Row]]:
        if (global_ids is None) == (limit is None):
            raise Rejected(INVALID_INPUT, "give either ids or a limit", "ids")
        if global_ids is not None:
            ids = _lead_ids(global_ids)
            leads = await lead_rules.auto_assign_ids(
                conn, ids, scope, include_pool, rule, sla_hours
            )
        else:
            assert limit is not None
            leads = await lead_rules.auto_assign_some(
                conn, limit, scope, include_pool, rule, sla_hours
            )
        only = leads[0]["id"] if len(leads) == 1 else None
        assignments = [
            {"leadId": lead["id"], "partnerId": lead["assigned_partner_id"]} for lead in leads
        ]
        return Done(leads, only, {"assignments": assignments})

    return await run_mutation(
        context,
        operation="autoAssignLeads",
        object_type="Lead",
        action="assign",
        object_id=None,
        work=work,
    )
