"""Who is asking: a person (by JWT) or a system (by API key), as the database knows them."""

from __future__ import annotations

from dataclasses import dataclass

VENDOR_ROLES = frozenset({"vendor_admin", "channel_manager", "analyst"})


@dataclass(frozen=True)
class Principal:
    subject: str
    credential: str
    roles: frozenset[str]
    partner_id: int | None = None
    partner_slug: str | None = None
    user_id: int | None = None
    vendor_user_id: int | None = None
    managed_partner_ids: frozenset[int] = frozenset()
    key_scopes: frozenset[str] | None = None
    key_id: str | None = None

    @property
    def is_vendor(self) -> bool:
        return bool(self.roles & VENDOR_ROLES)
