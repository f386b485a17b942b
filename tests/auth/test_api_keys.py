"""API keys: the format, issuing, and each way a key is accepted or refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from gateway.auth.api_keys import (
    IssuedApiKey,
    hash_secret,
    issue_api_key,
    parse_api_key,
)
from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import (
    API_KEY_EXPIRED,
    API_KEY_REVOKED,
    CONFLICTING_CREDENTIALS,
    INVALID_API_KEY,
    UNAUTHENTICATED,
)
from gateway.auth.settings import AuthSettings
from gateway.store import api_keys as api_keys_store
from gateway.store.api_keys import UnknownPartner
from tests.auth.support import StatementLog, bearer, refusal, token_for


async def issue(
    db: asyncpg.Pool,
    *,
    partner: str | None = "acme",
    scopes: frozenset[str] = frozenset({"read"}),
    role: str = "partner_system",
    expires_at: datetime | None = None,
) -> IssuedApiKey:
    return await issue_api_key(
        db,
        name=f"test key {uuid.uuid4().hex[:8]}",
        partner_slug=partner,
        scopes=scopes,
        role=role,
        expires_at=expires_at,
        created_by="tests",
    )


def api_key(key: str) -> dict[str, str]:
    return {"x-api-key": key}


def test_keys_have_the_documented_format() -> None:
    key = "pgw_0123456789ab_" + "A-_z" * 10 + "xyz"
    parsed = parse_api_key(key)
    assert parsed is not None
    assert parsed.key_id == "0123456789ab"
    assert parsed.secret == "A-_z" * 10 + "xyz"
    assert parsed.secret not in repr(parsed)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "pgw_0123456789ab",
        "pgw_0123456789ab_short",
        "pgw_0123456789AB_" + "x" * 43,  # key ids are lower-case hex
        "xyz_0123456789ab_" + "x" * 43,
        "pgw_0123456789ab_" + "x" * 42 + "!",
        "pgw_0123456789ab_" + "x" * 44,
    ],
)
def test_malformed_keys_do_not_parse(text: str) -> None:
    assert parse_api_key(text) is None


async def test_a_partner_key_authenticates_as_the_partner_system(
    authenticator: Authenticator, auth_db: asyncpg.Pool
) -> None:
    issued = await issue(auth_db, scopes=frozenset({"read", "write"}))
    principal = await authenticator.authenticate(api_key(issued.key))
    assert principal.subject == f"apikey:{issued.record.key_id}"
    assert principal.credential == "api_key"
    assert principal.roles == {"partner_system"}
    assert principal.partner_slug == "acme"
    assert principal.partner_id == issued.record.partner_id is not None
    assert principal.key_scopes == frozenset({"read", "write"})
    assert principal.key_id == issued.record.key_id
    assert principal.user_id is None and not principal.is_vendor


async def test_only_a_hash_of_the_secret_is_stored(auth_db: asyncpg.Pool) -> None:
    issued = await issue(auth_db)
    secret = issued.key.split("_", 2)[2]
    row = await auth_db.fetchrow(
        "SELECT * FROM api_keys WHERE key_id = $1", issued.record.key_id
    )
    assert row is not None
    assert bytes(row["secret_hash"]) == hash_secret(secret)
    assert all(secret not in str(value) for value in row.values())


async def test_a_vendor_integration_key_has_its_vendor_role(
    authenticator: Authenticator, auth_db: asyncpg.Pool
) -> None:
    issued = await issue(auth_db, partner=None, role="analyst")
    principal = await authenticator.authenticate(api_key(issued.key))
    assert principal.roles == {"analyst"}
    assert principal.is_vendor
    assert principal.partner_id is None and principal.partner_slug is None


async def test_a_revoked_key_is_refused_at_once(
    authenticator: Authenticator, auth_db: asyncpg.Pool
) -> None:
    issued = await issue(auth_db)
    await authenticator.authenticate(api_key(issued.key))
    assert await api_keys_store.revoke(auth_db, issued.record.key_id)
    failure = await refusal(authenticator, api_key(issued.key))
    assert failure.code == API_KEY_REVOKED
    assert issued.key not in failure.message


async def test_revoking_is_idempotent_and_says_whether_the_key_exists(
    auth_db: asyncpg.Pool,
) -> None:
    issued = await issue(auth_db)
    assert await api_keys_store.revoke(auth_db, issued.record.key_id)
    first = await auth_db.fetchval(
        "SELECT revoked_at FROM api_keys WHERE key_id = $1", issued.record.key_id
    )
    assert await api_keys_store.revoke(auth_db, issued.record.key_id)
    again = await auth_db.fetchval(
        "SELECT revoked_at FROM api_keys WHERE key_id = $1", issued.record.key_id
    )
    assert first == again
    assert not await api_keys_store.revoke(auth_db, "ffffffffffff")


async def test_an_expired_key_is_refused(
    authenticator: Authenticator, auth_db: asyncpg.Pool
) -> None:
    issued = await issue(auth_db, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await refusal(authenticator, api_key(issued.key))).code == API_KEY_EXPIRED


async def test_a_wrong_secret_for_a_real_key_id_is_just_invalid(
    authenticator: Authenticator, auth_db: asyncpg.Pool
) -> None:
    issued = await issue(auth_db)
    forged = f"pgw_{issued.record.key_id}_{'A' * 43}"
    assert (await refusal(authenticator, api_key(forged))).code == INVALID_API_KEY
    # Not even a revoked key's state is told to someone without its secret.
    await api_keys_store.revoke(auth_db, issued.record.key_id)
    assert (await refusal(authenticator, api_key(forged))).code == INVALID_API_KEY


@pytest.mark.parametrize("key", ["pgw_ffffffffffff_" + "B" * 43, "not-a-key", "pgw_" + "x" * 60])
async def test_unknown_and_malformed_keys_are_invalid(
    authenticator: Authenticator, key: str
) -> None:
    failure = await refusal(authenticator, api_key(key))
    assert failure.code == INVALID_API_KEY
    assert key not in failure.message


async def test_a_key_and_a_token_together_are_refused(
    authenticator: Authenticator, auth_db: asyncpg.Pool, auth_settings: AuthSettings
) -> None:
    issued = await issue(auth_db)
    token = token_for(auth_settings, "rep@acme.example", "partner_rep", "acme")
    failure = await refusal(authenticator, {**api_key(issued.key), **bearer(token)})
    assert failure.code == CONFLICTING_CREDENTIALS


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "  "}, {"authorization": ""}])
async def test_no_credentials_at_all_is_unauthenticated(
    authenticator: Authenticator, headers: dict[str, str]
) -> None:
    assert (await refusal(authenticator, headers)).code == UNAUTHENTICATED


@pytest.mark.parametrize(
    ("partner", "scopes", "role", "message"),
    [
        ("acme", frozenset({"admin"}), "partner_system", "scopes must be one or more of"),
        ("acme", frozenset(), "partner_system", "scopes must be one or more of"),
        ("acme", frozenset({"read"}), "vendor_admin", "a partner's key has the role"),
        (None, frozenset({"read"}), "partner_system", "a vendor integration key"),
    ],
)
async def test_bad_key_requests_are_refused_before_any_write(
    auth_db: asyncpg.Pool, partner: str | None, scopes: frozenset[str], role: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await issue(auth_db, partner=partner, scopes=scopes, role=role)


async def test_the_table_refuses_keys_the_rules_forbid(auth_db: asyncpg.Pool) -> None:
    insert = (
        "INSERT INTO api_keys (key_id, secret_hash, partner_id, name, scopes, role, created_by) "
        "VALUES ($1, $2, $3, 'x', $4, $5, 'tests')"
    )
    digest = hash_secret("s")
    forbidden = [
        ("aaaaaaaaaaa1", 1, ["read", "admin"], "partner_system"),  # an unknown scope
        ("aaaaaaaaaaa2", None, ["read"], "partner_system"),  # a partner role without a partner
        ("aaaaaaaaaaa3", 1, ["read"], "analyst"),  # a vendor role on a partner's key
    ]
    for key_id, partner_id, scopes, role in forbidden:
        with pytest.raises(asyncpg.CheckViolationError):
            await auth_db.execute(insert, key_id, digest, partner_id, scopes, role)


async def test_keys_for_an_unknown_partner_are_refused(auth_db: asyncpg.Pool) -> None:
    with pytest.raises(UnknownPartner, match="no partner with the slug 'nobody'"):
        await issue(auth_db, partner="nobody")
    with pytest.raises(UnknownPartner):
        await api_keys_store.fetch_all(auth_db, partner_slug="nobody")


async def test_keys_are_listed_per_partner(auth_db: asyncpg.Pool) -> None:
    acme = await issue(auth_db)
    globex = await issue(auth_db, partner="globex")
    acme_ids = {r.key_id for r in await api_keys_store.fetch_all(auth_db, partner_slug="acme")}
    every_id = {r.key_id for r in await api_keys_store.fetch_all(auth_db)}
    assert acme.record.key_id in acme_ids and globex.record.key_id not in acme_ids
    assert {acme.record.key_id, globex.record.key_id} <= every_id
    third = await auth_db.fetchval("SELECT slug FROM partners ORDER BY id OFFSET 2 LIMIT 1")
    assert await api_keys_store.fetch_all(auth_db, partner_slug=third) == []


async def test_a_key_costs_one_statement_and_no_write(
    auth_settings: AuthSettings, conn: asyncpg.Connection
) -> None:
    issued = await issue_api_key(
        conn,
        name="counted",
        partner_slug="acme",
        scopes={"read"},
        role="partner_system",
        expires_at=None,
        created_by="tests",
    )
    authenticator = Authenticator(auth_settings, conn)
    await authenticator.authenticate(api_key(issued.key))  # asyncpg's one-off type lookups
    log = StatementLog(conn)
    await authenticator.authenticate(api_key(issued.key))
    assert len(await log.settled()) == 1
