"""A partner's people and API keys, managed by its admins (and by vendor admins for any partner).

Every function runs inside the mutation's transaction. The partner, user or key acted on is
looked up within the caller's row scope: another partner's is NOT_FOUND, as if absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from gateway.auth.api_keys import PARTNER_KEY_ROLE, IssuedApiKey, issue_api_key
from gateway.auth.principal import KEY_SCOPES
from gateway.store import api_keys as api_key_store
from gateway.store import partner_user_writes
from gateway.store import table as rows
from gateway.store.api_keys import ApiKeyRecord
from gateway.store.partners import PARTNERS
from gateway.store.scope import RowScope
from gateway.store.table import Row
from gateway.workflows.rejection import (
    ALREADY_EXISTS,
    INVALID_INPUT,
    INVALID_TRANSITION,
    NOT_FOUND,
    Rejected,
)

# Codes of this workflow; like every code they are part of the API.
PARTNER_REQUIRED = "PARTNER_REQUIRED"
CANNOT_DEACTIVATE_SELF = "CANNOT_DEACTIVATE_SELF"

_EMAIL = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
PARTNER_ROLES = ("partner_admin", "partner_rep")
MAX_KEY_DAYS = 3650
_KEY_ID = re.compile(r"^[0-9a-f]{12}$")


@dataclass(frozen=True)
class Invitation:
    email: str
    first_name: str
    last_name: str
    title: str
    role: str
    partner_id: int | None = None  # vendor admins name the partner; partner admins invite to theirs


@dataclass(frozen=True)
class KeyRequest:
    name: str
    scopes: frozenset[str]
    expires_in_days: int | None = None
    partner_id: int | None = None


async def _partner(
    conn: asyncpg.Connection, partner_id: int | None, own_partner_id: int | None, scope: RowScope
) -> Row:
    """The partner acted for: the one named (vendor staff), else the caller's own."""
    chosen = partner_id if partner_id is not None else own_partner_id
    if chosen is None:
        raise Rejected(PARTNER_REQUIRED, "name the partner", "partnerId")
    found = await rows.fetch_by_ids(conn, PARTNERS, [chosen], scope)
    if chosen not in found:
        raise Rejected(NOT_FOUND, "no such partner", "partnerId")
    partner: Row = found[chosen]
    return partner


def _name(text: str, field: str, label: str) -> str:
    cleaned = " ".join(text.split())
    if not 1 <= len(cleaned) <= 200:
        raise Rejected(INVALID_INPUT, f"the {label} needs 1 to 200 characters", field)
    return cleaned


async def invite(
    conn: asyncpg.Connection,
    invitation: Invitation,
    own_partner_id: int | None,
    partner_scope: RowScope,
) -> Row:
    """A new, active user of the partner; they sign in with their e-mail from the next request."""
    partner = await _partner(conn, invitation.partner_id, own_partner_id, partner_scope)
    email = invitation.email.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise Rejected(INVALID_INPUT, f"{invitation.email!r} is not an e-mail address", "email")
    if invitation.role not in PARTNER_ROLES:
        raise Rejected(INVALID_INPUT, "the role is partner_admin or partner_rep", "role")
    user = await partner_user_writes.insert(
        conn,
        {
            "partner_id": partner["id"],
            "email": email,
            "first_name": _name(invitation.first_name, "firstName", "first name"),
            "last_name": _name(invitation.last_name, "lastName", "last name"),
            "title": _name(invitation.title, "title", "title"),
            "role": invitation.role,
        },
    )
    if user is None:
        raise Rejected(ALREADY_EXISTS, f"{email} already has an account", "email")
    return user


async def deactivate(
    conn: asyncpg.Connection, user_id: int, own_user_id: int | None, user_scope: RowScope
) -> Row:
    """The user can no longer sign in; their records stay (deals, training) for the history."""
    user = await partner_user_writes.lock(conn, user_id, user_scope)
    if user is None:
        raise Rejected(NOT_FOUND, "no such partner user", "id")
    if user["id"] == own_user_id:
        # Locking oneself out would leave nobody to undo it from inside the partner.
        raise Rejected(CANNOT_DEACTIVATE_SELF, "you cannot deactivate yourself", "id")
    if not user["active"]:
        raise Rejected(INVALID_TRANSITION, "the user is already deactivated", "id")
    return await partner_user_writes.deactivate(conn, user_id)


async def create_key(
    conn: asyncpg.Connection,
    request: KeyRequest,
    own_partner_id: int | None,
    partner_scope: RowScope,
    created_by: str,
) -> IssuedApiKey:
    """A key for the partner's systems (role partner_system); its secret exists only in the
    answer, the store keeps a hash."""
    partner = await _partner(conn, request.partner_id, own_partner_id, partner_scope)
    name = " ".join(request.name.split())
    if not 1 <= len(name) <= 200:
        raise Rejected(INVALID_INPUT, "the name needs 1 to 200 characters", "name")
    if not request.scopes or not request.scopes <= KEY_SCOPES:
        raise Rejected(INVALID_INPUT, "give one or both of the scopes read, write", "scopes")
    expires_at = None
    if request.expires_in_days is not None:
        if not 1 <= request.expires_in_days <= MAX_KEY_DAYS:
            raise Rejected(
                INVALID_INPUT, f"a key lasts 1 to {MAX_KEY_DAYS} days", "expiresInDays"
            )
        expires_at = datetime.now(UTC) + timedelta(days=request.expires_in_days)
    return await issue_api_key(
        conn,
        name=name,
        partner_slug=partner["slug"],
        scopes=request.scopes,
        role=PARTNER_KEY_ROLE,
        expires_at=expires_at,
        created_by=created_by,
    )


async def revoke_key(
    conn: asyncpg.Connection, key_id: str, partner_scope: RowScope
) -> ApiKeyRecord:
    """Refused from the key's next request on; revoking is final."""
    stored = None
    if _KEY_ID.match(key_id):
        stored = await api_key_store.fetch_by_key_id(conn, key_id)
    if stored is None or not partner_scope.admits(stored.record.partner_id, None):
        raise Rejected(NOT_FOUND, "no such API key", "keyId")
    if stored.record.revoked_at is not None:
        raise Rejected(INVALID_TRANSITION, "the key is already revoked", "keyId")
    await api_key_store.revoke(conn, key_id)
    revoked = await api_key_store.fetch_by_key_id(conn, key_id)
    assert revoked is not None  # the row was there a statement ago, inside this transaction
    return revoked.record
