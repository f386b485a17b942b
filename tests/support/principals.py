"""Principals for unit tests of authorization, without a database or a credential."""

from __future__ import annotations

from gateway.auth.principal import Credential, Principal


def principal(
    subject: str,
    *roles: str,
    partner_id: int | None = None,
    partner_slug: str | None = None,
    user_id: int | None = None,
    managed_partner_ids: frozenset[int] = frozenset(),
    key_scopes: frozenset[str] | None = None,
) -> Principal:
    credential: Credential = "api_key" if key_scopes is not None else "jwt"
    return Principal(
        subject=subject,
        credential=credential,
        roles=frozenset(roles),
        partner_id=partner_id,
        partner_slug=partner_slug,
        user_id=user_id,
        vendor_user_id=None,
        managed_partner_ids=managed_partner_ids,
        key_scopes=key_scopes,
        key_id=subject.removeprefix("apikey:") if key_scopes is not None else None,
    )
