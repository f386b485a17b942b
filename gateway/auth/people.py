"""A person's token against their accounts: which account it speaks for, and may it be used.

The token proves who someone is; their roles and partner come from the database. A token that
names a partner or roles must agree with the database, or it is refused.
"""

from __future__ import annotations

from gateway.auth.errors import (
    ACCOUNT_INACTIVE,
    INVALID_TOKEN,
    UNKNOWN_ACCOUNT,
    AuthenticationError,
)
from gateway.auth.jwt_tokens import TokenClaims
from gateway.auth.principal import Principal
from gateway.store.identities import PersonIdentity

SUSPENDED = "SUSPENDED"


def choose_account(claims: TokenClaims, accounts: list[PersonIdentity]) -> PersonIdentity:
    """The account the token is for: a partner user when it names a partner, else vendor staff."""
    if not accounts:
        raise AuthenticationError(UNKNOWN_ACCOUNT, f"there is no account for {claims.subject}")
    if claims.partner_slug is None:
        vendor = [account for account in accounts if account.is_vendor]
        if not vendor:
            raise AuthenticationError(
                INVALID_TOKEN, "the token names no partner, but the account is a partner user"
            )
        account = vendor[0]
    else:
        partner = [account for account in accounts if not account.is_vendor]
        if not partner:
            raise AuthenticationError(
                INVALID_TOKEN, "the token names a partner, but the account is vendor staff"
            )
        account = partner[0]
        if account.partner_slug != claims.partner_slug:
            raise AuthenticationError(
                INVALID_TOKEN, "the token's partner does not match the account's partner"
            )
    if claims.roles is not None and claims.roles != {account.role}:
        raise AuthenticationError(INVALID_TOKEN, "the token's roles do not match the account's")
    return account


def ensure_active(account: PersonIdentity) -> None:
    if not account.active:
        raise AuthenticationError(ACCOUNT_INACTIVE, "this account is deactivated")
    if account.partner_status == SUSPENDED:
        raise AuthenticationError(
            ACCOUNT_INACTIVE, f"the partner organisation {account.partner_slug!r} is suspended"
        )


def person_principal(claims: TokenClaims, accounts: list[PersonIdentity]) -> Principal:
    account = choose_account(claims, accounts)
    ensure_active(account)
    return Principal(
        subject=claims.subject,
        credential="jwt",
        roles=frozenset({account.role}),
        partner_id=account.partner_id,
        partner_slug=account.partner_slug,
        user_id=account.partner_user_id,
        vendor_user_id=account.vendor_user_id,
        managed_partner_ids=account.managed_partner_ids,
        key_scopes=None,
        key_id=None,
    )
