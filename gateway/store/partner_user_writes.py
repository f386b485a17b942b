"""A partner's people and API keys as its admins manage them: invite, deactivate, list keys.

Keys themselves are made and revoked by `gateway.store.api_keys`; this module adds what the
admin screens need on top, always within an explicit partner scope.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from gateway.store.api_keys import ApiKeyRecord
from gateway.store.database import Executor
from gateway.store.partner_users import PARTNER_USERS
from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row

_USER_COLUMNS = ", ".join(PARTNER_USERS.columns)

# An e-mail names one person: taken by a partner user (the unique index, race-free) or by vendor
# staff (checked in the same statement), nothing is inserted and no row comes back.
_INVITE = f"""
INSERT INTO partner_users (partner_id, email, first_name, last_name, title, role)
SELECT $1, $2, $3, $4, $5, $6
WHERE NOT EXISTS (SELECT 1 FROM vendor_users v WHERE v.email = $2)
ON CONFLICT (email) DO NOTHING
RETURNING {_USER_COLUMNS}
"""


async def insert(conn: asyncpg.Connection, values: Mapping[str, Any]) -> Row | None:
    """The new, active user; None when the e-mail already belongs to someone."""
    return await conn.fetchrow(
        _INVITE,
        values["partner_id"],
        values["email"],
        values["first_name"],
        values["last_name"],
        values["title"],
        values["role"],
    )


async def lock(conn: asyncpg.Connection, user_id: int, scope: RowScope) -> Row | None:
    """The user, locked until the transaction ends, or None when absent or outside `scope`."""
    params = SqlParams()
    a = PARTNER_USERS.alias
    clauses = [f"{a}.id = {params.add(user_id)}", PARTNER_USERS.scope_sql(scope, params)]
    sql = f"SELECT {PARTNER_USERS.select_list} FROM partner_users {a} {where(clauses)} FOR UPDATE"
    return await conn.fetchrow(sql, *params.values)


async def deactivate(conn: asyncpg.Connection, user_id: int) -> Row:
    row: Row = await conn.fetchrow(
        f"UPDATE partner_users SET active = false WHERE id = $1 RETURNING {_USER_COLUMNS}",
        user_id,
    )
    return row


_RECORD_FIELDS = tuple(field.name for field in dataclasses.fields(ApiKeyRecord))
_KEYS_OF_PARTNERS = """
SELECT k.key_id, k.partner_id, p.slug AS partner_slug, k.name, k.scopes, k.role, k.created_at,
       k.expires_at, k.revoked_at, k.last_used_at, k.created_by, k.persisted_only
FROM api_keys k JOIN partners p ON p.id = k.partner_id
WHERE k.partner_id = ANY($1::bigint[])
ORDER BY k.partner_id, k.id
"""


async def api_keys_of_partners(
    db: Executor, partner_ids: Sequence[int]
) -> dict[int, list[ApiKeyRecord]]:
    """Each partner's keys, oldest first, revoked ones included; never a secret or its hash."""
    grouped: dict[int, list[ApiKeyRecord]] = defaultdict(list)
    for row in await db.fetch(_KEYS_OF_PARTNERS, sorted(set(partner_ids))):
        # The columns are named as the record's fields; only the scopes change type.
        values = {name: row[name] for name in _RECORD_FIELDS}
        grouped[row["partner_id"]].append(
            ApiKeyRecord(**{**values, "scopes": frozenset(row["scopes"])})
        )
    return grouped
