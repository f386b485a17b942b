"""Who a person is, by e-mail: their vendor or partner account, read in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.store.database import Executor


@dataclass(frozen=True)
class PersonIdentity:
    """One account of a person: vendor staff, or a user at a partner (never both in one row)."""

    vendor_user_id: int | None
    partner_user_id: int | None
    role: str
    active: bool
    partner_id: int | None
    partner_slug: str | None
    partner_status: str | None
    managed_partner_ids: frozenset[int]

    @property
    def is_vendor(self) -> bool:
        return self.vendor_user_id is not None


# Both tables in one statement, so resolving a caller always costs exactly one round trip.
# Nothing stops one e-mail from being both vendor staff and a partner user, so this can answer
# two rows; the caller decides which account a credential speaks for.
_BY_EMAIL = """
SELECT v.id AS vendor_user_id, NULL::bigint AS partner_user_id, v.role, v.active,
       NULL::bigint AS partner_id, NULL::text AS partner_slug, NULL::text AS partner_status,
       ARRAY(
           SELECT p.id FROM partners p WHERE p.channel_manager_id = v.id ORDER BY p.id
       ) AS managed_partner_ids
FROM vendor_users v
WHERE v.email = $1
UNION ALL
SELECT NULL, u.id, u.role, u.active, u.partner_id, p.slug, p.status, '{}'::bigint[]
FROM partner_users u JOIN partners p ON p.id = u.partner_id
WHERE u.email = $1
"""


async def fetch_by_email(db: Executor, email: str) -> list[PersonIdentity]:
    """The accounts of `email` (lower-case, as the tables keep it): none, one, or rarely two."""
    rows = await db.fetch(_BY_EMAIL, email)
    return [
        PersonIdentity(
            vendor_user_id=row["vendor_user_id"],
            partner_user_id=row["partner_user_id"],
            role=row["role"],
            active=row["active"],
            partner_id=row["partner_id"],
            partner_slug=row["partner_slug"],
            partner_status=row["partner_status"],
            managed_partner_ids=frozenset(row["managed_partner_ids"]),
        )
        for row in rows
    ]
