"""Mutations of a partner's people and API keys: inputs to workflow calls inside `run_mutation`."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from gateway.auth.api_keys import IssuedApiKey
from gateway.context import Context
from gateway.resolvers.deal_mutations import database_id
from gateway.store.api_keys import ApiKeyRecord
from gateway.store.table import Row
from gateway.workflows import people as people_rules
from gateway.workflows.mutation import Done, Outcome, run_mutation
from gateway.workflows.rejection import Rejected


async def invite(
    context: Context, invitation: Callable[[], people_rules.Invitation]
) -> Outcome[Row]:
    """`invitation` is built inside the mutation, so a malformed partner id is a userError."""
    scope = context.grant.row_scope("Partner")

    async def work(conn: asyncpg.Connection) -> Done[Row]:
        user = await people_rules.invite(conn, invitation(), context.principal.partner_id, scope)
        detail = {"email": user["email"], "role": user["role"], "partnerId": user["partner_id"]}
        return Done(user, user["id"], detail)

    return await run_mutation(
        context,
        operation="invitePartnerUser",
        object_type="PartnerUser",
        action="invite",
        object_id=None,
        work=work,
    )


async def deactivate(context: Context, user_global_id: str) -> Outcome[Row]:
    try:
        user_id = database_id(user_global_id, "PartnerUser", "id")
    except Rejected as rejected:
        return Outcome(errors=[rejected])
    assert user_id is not None
    scope = context.grant.row_scope("PartnerUser")

    async def work(conn: asyncpg.Connection) -> Done[Row]:
        user = await people_rules.deactivate(conn, user_id, context.principal.user_id, scope)
        return Done(user, user_id, {"email": user["email"]})

    return await run_mutation(
        context,
        operation="deactivatePartnerUser",
        object_type="PartnerUser",
        action="deactivate",
        object_id=user_id,
        work=work,
    )


async def create_api_key(
    context: Context, request: Callable[[], people_rules.KeyRequest]
) -> Outcome[IssuedApiKey]:
    """`request` is built inside the mutation, so a malformed partner id is a userError."""
    scope = context.grant.row_scope("Partner")

    async def work(conn: asyncpg.Connection) -> Done[IssuedApiKey]:
        issued = await people_rules.create_key(
            conn, request(), context.principal.partner_id, scope, context.principal.subject
        )
        record = issued.record
        # The audit trail names the key by its public id; api keys have no numeric object id.
        detail = {"keyId": record.key_id, "partnerId": record.partner_id, "name": record.name}
        return Done(issued, None, detail)

    return await run_mutation(
        context,
        operation="createApiKey",
        object_type="ApiKey",
        action="create",
        object_id=None,
        work=work,
    )


async def revoke_api_key(context: Context, key_id: str) -> Outcome[ApiKeyRecord]:
    scope = context.grant.row_scope("Partner")

    async def work(conn: asyncpg.Connection) -> Done[ApiKeyRecord]:
        record = await people_rules.revoke_key(conn, key_id.strip(), scope)
        return Done(record, None, {"keyId": record.key_id, "partnerId": record.partner_id})

    return await run_mutation(
        context,
        operation="revokeApiKey",
        object_type="ApiKey",
        action="revoke",
        object_id=None,
        work=work,
    )
