"""API keys; the `api_keys` table. Only a hash of each key's secret is ever stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from gateway.store.database import Executor
from gateway.store.table import Row


class UnknownPartner(LookupError):
    """No partner has the slug a key was to be created or listed for."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"there is no partner with the slug {slug!r}")
        self.slug = slug


@dataclass(frozen=True)
class ApiKeyRecord:
    """What may be shown about a key: everything but its secret's hash."""

    key_id: str
    partner_id: int | None
    partner_slug: str | None
    name: str
    scopes: frozenset[str]
    role: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_by: str
    persisted_only: bool = False  # may run only the persisted operations manifest


@dataclass(frozen=True)
class StoredApiKey:
    """A key as authentication needs it: the record, the secret's hash and its partner's status."""

    record: ApiKeyRecord
    secret_hash: bytes
    partner_status: str | None


@dataclass(frozen=True)
class NewApiKey:
    key_id: str
    secret_hash: bytes
    partner_slug: str | None  # None: a vendor integration key
    name: str
    scopes: frozenset[str]
    role: str
    expires_at: datetime | None
    created_by: str
    persisted_only: bool = False


# Every query below reads keys as `k` joined to their partner as `p`.
_RECORD_COLUMNS = (
    "k.key_id, k.partner_id, p.slug AS partner_slug, k.name, k.scopes, k.role, k.created_at, "
    "k.expires_at, k.revoked_at, k.last_used_at, k.created_by, k.persisted_only"
)


def _record(row: Row) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=row["key_id"],
        partner_id=row["partner_id"],
        partner_slug=row["partner_slug"],
        name=row["name"],
        scopes=frozenset(row["scopes"]),
        role=row["role"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        created_by=row["created_by"],
        persisted_only=row["persisted_only"],
    )


# The partner is looked up inside the INSERT, so an unknown slug inserts nothing and a key can
# never point at a partner other than the one named. With no slug, the join finds no partner
# and the key is inserted without one.
_CREATE = f"""
WITH k AS (
    INSERT INTO api_keys
        (key_id, secret_hash, partner_id, name, scopes, role, expires_at, created_by,
         persisted_only)
    SELECT $1, $2, p.id, $4, $5::text[], $6, $7, $8, $9
    FROM (SELECT 1) AS one LEFT JOIN partners p ON p.slug = $3::text
    WHERE ($3::text IS NULL) = (p.id IS NULL)
    RETURNING *
)
SELECT {_RECORD_COLUMNS} FROM k LEFT JOIN partners p ON p.id = k.partner_id
"""


async def create(db: Executor, key: NewApiKey) -> ApiKeyRecord:
    row = await db.fetchrow(
        _CREATE,
        key.key_id,
        key.secret_hash,
        key.partner_slug,
        key.name,
        sorted(key.scopes),
        key.role,
        key.expires_at,
        key.created_by,
        key.persisted_only,
    )
    if row is None:
        assert key.partner_slug is not None  # a vendor key is always inserted
        raise UnknownPartner(key.partner_slug)
    return _record(row)


_ALL = f"""
SELECT {_RECORD_COLUMNS} FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id
ORDER BY k.id
"""
# Driven from the partner, so a known partner without keys still answers one (key-less) row and
# an unknown slug answers none: the two cases stay apart in a single statement.
_OF_PARTNER = f"""
SELECT {_RECORD_COLUMNS} FROM partners p LEFT JOIN api_keys k ON k.partner_id = p.id
WHERE p.slug = $1
ORDER BY k.id
"""


async def fetch_all(db: Executor, *, partner_slug: str | None = None) -> list[ApiKeyRecord]:
    """Every key, oldest first, or only the given partner's (UnknownPartner if there is none)."""
    if partner_slug is None:
        return [_record(row) for row in await db.fetch(_ALL)]
    rows = await db.fetch(_OF_PARTNER, partner_slug)
    if not rows:
        raise UnknownPartner(partner_slug)
    return [_record(row) for row in rows if row["key_id"] is not None]


_BY_KEY_ID = f"""
SELECT {_RECORD_COLUMNS}, k.secret_hash, p.status AS partner_status
FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id
WHERE k.key_id = $1
"""


async def fetch_by_key_id(db: Executor, key_id: str) -> StoredApiKey | None:
    """The key with its partner's slug and status, in the one statement a request spends on it."""
    row = await db.fetchrow(_BY_KEY_ID, key_id)
    if row is None:
        return None
    return StoredApiKey(
        record=_record(row),
        secret_hash=bytes(row["secret_hash"]),
        partner_status=row["partner_status"],
    )


async def revoke(db: Executor, key_id: str) -> bool:
    """Revoke a key (a second revoke keeps the first time); False when no key has that id."""
    revoked = await db.fetchval(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = $1 "
        "RETURNING true",
        key_id,
    )
    return revoked is not None


async def revoke_by_name(db: Executor, partner_slug: str, name: str) -> int:
    """Revoke a partner's unrevoked keys of the given name; answers how many there were."""
    status = await db.execute(
        "UPDATE api_keys k SET revoked_at = now() FROM partners p "
        "WHERE p.id = k.partner_id AND p.slug = $1 AND k.name = $2 AND k.revoked_at IS NULL",
        partner_slug,
        name,
    )
    return int(status.split()[-1])


async def record_last_used(db: Executor, used: Mapping[str, datetime]) -> None:
    """Store many keys' last use in one statement; an older time never overwrites a newer one."""
    if not used:
        return
    key_ids = list(used)
    await db.execute(
        "UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, u.used_at) "
        "FROM unnest($1::text[], $2::timestamptz[]) AS u (key_id, used_at) "
        "WHERE k.key_id = u.key_id",
        key_ids,
        [used[key_id] for key_id in key_ids],
    )
