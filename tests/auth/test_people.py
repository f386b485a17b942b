"""Tokens of people: the database decides roles and partner; disagreeing tokens are refused."""

from __future__ import annotations

import asyncpg
import pytest

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import ACCOUNT_INACTIVE, INVALID_TOKEN, UNKNOWN_ACCOUNT
from gateway.auth.settings import AuthSettings
from tests.auth.support import (
    StatementLog,
    add_partner_user,
    add_vendor_user,
    bearer,
    refusal,
    token_for,
    unique_email,
)


async def test_vendor_staff_get_their_role_and_managed_partners(
    authenticator: Authenticator, auth_settings: AuthSettings, auth_db: asyncpg.Pool
) -> None:
    email = "cm@vendor.example"
    principal = await authenticator.authenticate(
        bearer(token_for(auth_settings, email, "channel_manager"))
    )
    vendor_user_id = await auth_db.fetchval("SELECT id FROM vendor_users WHERE email = $1", email)
    managed = await auth_db.fetch(
        "SELECT id FROM partners WHERE channel_manager_id = $1", vendor_user_id
    )
    assert principal.roles == {"channel_manager"}
    assert principal.is_vendor
    assert principal.vendor_user_id == vendor_user_id
    assert principal.managed_partner_ids == {row["id"] for row in managed}
    assert principal.managed_partner_ids  # acme at least
    assert principal.partner_id is None and principal.user_id is None


async def test_partner_people_get_their_partner_and_user_id(
    authenticator: Authenticator, auth_settings: AuthSettings, auth_db: asyncpg.Pool
) -> None:
    email = "admin@globex.example"
    principal = await authenticator.authenticate(
        bearer(token_for(auth_settings, email, "partner_admin", "globex"))
    )
    row = await auth_db.fetchrow(
        "SELECT u.id, u.partner_id FROM partner_users u WHERE u.email = $1", email
    )
    assert row is not None
    assert principal.roles == {"partner_admin"}
    assert not principal.is_vendor
    assert (principal.user_id, principal.partner_id) == (row["id"], row["partner_id"])
    assert principal.partner_slug == "globex"
    assert principal.vendor_user_id is None
    assert principal.managed_partner_ids == frozenset()


async def test_the_database_supplies_roles_a_token_leaves_out(
    authenticator: Authenticator, auth_settings: AuthSettings
) -> None:
    token = token_for(auth_settings, "Rep@ACME.example", "partner_rep", "acme")
    principal = await authenticator.authenticate(bearer(token))
    assert principal.subject == "rep@acme.example"  # e-mails are matched lower-case


@pytest.mark.parametrize(
    ("email", "role", "partner", "message"),
    [
        ("rep@acme.example", "partner_rep", "globex", "partner does not match"),
        ("rep@acme.example", "partner_admin", "acme", "roles do not match"),
        ("rep@acme.example", "partner_rep", None, "names no partner"),
        ("admin@vendor.example", "vendor_admin", "acme", "names a partner"),
        ("analyst@vendor.example", "vendor_admin", None, "roles do not match"),
    ],
)
async def test_tokens_that_disagree_with_the_database_are_refused(
    authenticator: Authenticator,
    auth_settings: AuthSettings,
    email: str,
    role: str,
    partner: str | None,
    message: str,
) -> None:
    failure = await refusal(authenticator, bearer(token_for(auth_settings, email, role, partner)))
    assert failure.code == INVALID_TOKEN
    assert message in failure.message


async def test_someone_the_database_does_not_know_is_refused(
    authenticator: Authenticator, auth_settings: AuthSettings
) -> None:
    token = token_for(auth_settings, "stranger@nowhere.example", "vendor_admin")
    assert (await refusal(authenticator, bearer(token))).code == UNKNOWN_ACCOUNT


async def test_an_inactive_person_is_refused(
    authenticator: Authenticator, auth_settings: AuthSettings, auth_db: asyncpg.Pool
) -> None:
    email = unique_email()
    await add_partner_user(auth_db, email, active=False)
    token = token_for(auth_settings, email, "partner_rep", "acme")
    failure = await refusal(authenticator, bearer(token))
    assert failure.code == ACCOUNT_INACTIVE


async def test_people_of_a_suspended_partner_are_refused(
    authenticator: Authenticator, auth_settings: AuthSettings, auth_db: asyncpg.Pool
) -> None:
    slug = f"dormant-{unique_email()[2:8]}"
    await auth_db.execute(
        "INSERT INTO partners (slug, name, region, country, status, website, domain, joined_at) "
        "VALUES ($1, 'Dormant', 'NA', 'US', 'SUSPENDED', 'https://d.example', 'd.example', "
        "current_date)",
        slug,
    )
    email = unique_email("d.example")
    await add_partner_user(auth_db, email, partner=slug)
    token = token_for(auth_settings, email, "partner_rep", slug)
    failure = await refusal(authenticator, bearer(token))
    assert failure.code == ACCOUNT_INACTIVE
    assert "suspended" in failure.message


async def test_an_email_with_two_accounts_uses_the_one_the_token_names(
    authenticator: Authenticator, auth_settings: AuthSettings, auth_db: asyncpg.Pool
) -> None:
    email = unique_email()
    partner_user_id = await add_partner_user(auth_db, email)
    vendor_user_id = await add_vendor_user(auth_db, email)
    as_partner = await authenticator.authenticate(
        bearer(token_for(auth_settings, email, "partner_rep", "acme"))
    )
    as_vendor = await authenticator.authenticate(bearer(token_for(auth_settings, email, "analyst")))
    assert (as_partner.user_id, as_partner.vendor_user_id) == (partner_user_id, None)
    assert (as_vendor.user_id, as_vendor.vendor_user_id) == (None, vendor_user_id)


@pytest.mark.parametrize(
    ("email", "role", "partner"),
    [("cm@vendor.example", "channel_manager", None), ("rep@acme.example", "partner_rep", "acme")],
)
async def test_a_token_costs_one_statement(
    auth_settings: AuthSettings,
    conn: asyncpg.Connection,
    email: str,
    role: str,
    partner: str | None,
) -> None:
    authenticator = Authenticator(auth_settings, conn)
    token = token_for(auth_settings, email, role, partner)
    await authenticator.authenticate(bearer(token))  # asyncpg's one-off type lookups happen here
    log = StatementLog(conn)
    await authenticator.authenticate(bearer(token))
    assert len(await log.settled()) == 1
