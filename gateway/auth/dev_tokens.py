"""Development tokens for people in the database, with the roles and partner it gives them."""

from __future__ import annotations

from datetime import timedelta

from gateway.auth.errors import AuthenticationError
from gateway.auth.jwt_tokens import mint_token
from gateway.auth.people import ensure_active
from gateway.auth.settings import AuthSettings
from gateway.store import identities
from gateway.store.database import Executor
from gateway.store.identities import PersonIdentity


class NoSuchUser(LookupError):
    """No usable token can be made for this e-mail; the message says why."""


async def account_for(db: Executor, email: str) -> PersonIdentity:
    """The one active account of `email`, or NoSuchUser saying why there is none."""
    accounts = await identities.fetch_by_email(db, email.lower())
    if not accounts:
        raise NoSuchUser(f"there is no vendor or partner user with the e-mail {email!r}")
    if len(accounts) > 1:
        raise NoSuchUser(f"{email!r} is both vendor staff and a partner user; fix the data first")
    account = accounts[0]
    try:
        ensure_active(account)
    except AuthenticationError as refusal:
        raise NoSuchUser(f"{email}: {refusal.message}") from None
    return account


async def token_for_user(
    db: Executor, settings: AuthSettings, email: str, ttl: timedelta
) -> tuple[PersonIdentity, str]:
    """A token the gateway will accept for `email`, with the account it was made for."""
    account = await account_for(db, email)
    token = mint_token(settings, email.lower(), {account.role}, account.partner_slug, ttl)
    return account, token
