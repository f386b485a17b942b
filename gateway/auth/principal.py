"""The Principal: the authenticated caller, as the database (not the credential) describes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VENDOR_ROLES = frozenset({"vendor_admin", "channel_manager", "analyst"})
PARTNER_ROLES = frozenset({"partner_admin", "partner_rep", "partner_system"})
KEY_SCOPES = frozenset({"read", "write"})

Credential = Literal["jwt", "api_key"]


@dataclass(frozen=True)
class Principal:
    subject: str  # the person's e-mail, or "apikey:<key id>" for an API key
    credential: Credential
    roles: frozenset[str]
    partner_id: int | None  # the caller's partner (partner people and partner API keys)
    partner_slug: str | None
    user_id: int | None  # partner_users.id of a partner person, for "own records" scopes
    vendor_user_id: int | None  # vendor_users.id of vendor staff
    managed_partner_ids: frozenset[int]  # partners whose channel manager this vendor user is
    key_scopes: frozenset[str] | None  # an API key's scopes; None for people
    key_id: str | None
    # An API key flagged at creation may run only the persisted operations manifest.
    persisted_only: bool = False

    @property
    def is_vendor(self) -> bool:
        return bool(self.roles & VENDOR_ROLES)
