"""Credentials for the demo banner: a token per persona and one fresh API key for acme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.auth.api_keys import PARTNER_KEY_ROLE, issue_api_key
from gateway.auth.dev_tokens import token_for_user
from gateway.auth.settings import AuthSettings
from gateway.seed.personas import (
    ACME,
    ADMIN_LOCAL_PART,
    ANALYST,
    CHANNEL_MANAGER,
    GLOBEX,
    REP_LOCAL_PART,
    VENDOR_ADMIN,
)
from gateway.store import api_keys as api_keys_store
from gateway.store.database import Executor

DEMO_TTL = timedelta(hours=12)
DEMO_KEY_NAME = "demo key"
DEMO_KEY_SCOPES = frozenset({"read", "write"})
DEMO_PERSONAS: tuple[str, ...] = (
    VENDOR_ADMIN.email,
    CHANNEL_MANAGER.email,
    ANALYST.email,
    f"{ADMIN_LOCAL_PART}@{ACME.domain}",
    f"{REP_LOCAL_PART}@{ACME.domain}",
    f"{ADMIN_LOCAL_PART}@{GLOBEX.domain}",
    f"{REP_LOCAL_PART}@{GLOBEX.domain}",
)


async def demo_credentials(db: Executor, auth_settings: AuthSettings) -> list[tuple[str, str]]:
    """(label, credential) pairs; every call replaces acme's earlier demo keys with a new one."""
    credentials: list[tuple[str, str]] = []
    for email in DEMO_PERSONAS:
        account, token = await token_for_user(db, auth_settings, email, DEMO_TTL)
        credentials.append((f"{email} ({account.role})", token))
    # Revoked rather than reused: the old key was printed in an earlier banner, and its secret
    # cannot be shown again anyway.
    await api_keys_store.revoke_by_name(db, ACME.slug, DEMO_KEY_NAME)
    issued = await issue_api_key(
        db,
        name=DEMO_KEY_NAME,
        partner_slug=ACME.slug,
        scopes=DEMO_KEY_SCOPES,
        role=PARTNER_KEY_ROLE,
        expires_at=datetime.now(UTC) + DEMO_TTL,
        created_by="demo",
    )
    scopes = ", ".join(sorted(DEMO_KEY_SCOPES))
    credentials.append((f"API key of {ACME.slug} ({scopes})", issued.key))
    return credentials
