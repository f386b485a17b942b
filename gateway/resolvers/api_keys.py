"""A partner's API keys, listed for its admins and vendor admins (never with secrets)."""

from __future__ import annotations

from gateway.audit.denials import record_denial
from gateway.context import Context
from gateway.errors import Forbidden
from gateway.store.api_keys import ApiKeyRecord


async def api_keys_of(context: Context, partner_id: int) -> list[ApiKeyRecord]:
    """The field guard (`Partner.apiKeys`) has already passed; keys are an object of their own
    in the policy too (`ApiKey`, read), and both must allow."""
    if not context.grant.can("ApiKey", "read"):
        record_denial(context, "read", "ApiKey", "object ApiKey", once_key="ApiKey")
        raise Forbidden("You may not read ApiKey objects")
    return await context.loaders.api_keys_by_partner_id.load(partner_id)
