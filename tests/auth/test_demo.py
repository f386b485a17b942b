"""The demo's credentials: one token per persona and one fresh acme key, all accepted."""

from __future__ import annotations

import asyncpg

from gateway.auth.authenticate import Authenticator
from gateway.auth.demo import DEMO_KEY_NAME, DEMO_PERSONAS, demo_credentials
from gateway.auth.errors import API_KEY_REVOKED
from gateway.auth.settings import AuthSettings
from tests.auth.support import bearer, refusal


async def test_every_demo_credential_is_accepted_and_old_demo_keys_are_revoked(
    auth_settings: AuthSettings, auth_db: asyncpg.Pool, authenticator: Authenticator
) -> None:
    first = await demo_credentials(auth_db, auth_settings)
    second = await demo_credentials(auth_db, auth_settings)

    assert len(second) == len(DEMO_PERSONAS) + 1
    *tokens, (key_label, key) = second
    for (label, token), email in zip(tokens, DEMO_PERSONAS, strict=True):
        assert label.startswith(email)
        principal = await authenticator.authenticate(bearer(token))
        assert principal.subject == email
    principal = await authenticator.authenticate({"x-api-key": key})
    assert "acme" in key_label
    assert principal.partner_slug == "acme" and principal.key_scopes == frozenset({"read", "write"})

    stale = await refusal(authenticator, {"x-api-key": first[-1][1]})
    assert stale.code == API_KEY_REVOKED
    live = await auth_db.fetchval(
        "SELECT count(*) FROM api_keys k JOIN partners p ON p.id = k.partner_id "
        "WHERE p.slug = 'acme' AND k.name = $1 AND k.revoked_at IS NULL",
        DEMO_KEY_NAME,
    )
    assert live == 1
