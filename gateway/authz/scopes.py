"""Row scope kinds named in the policy, bound to one caller as explicit store scopes."""

from __future__ import annotations

from gateway.auth.principal import Principal
from gateway.store.scope import RowScope

# Objects that carry an owner (a partner user) and a partner, per store table.
OWNED_OBJECTS = frozenset({"PartnerUser", "Deal", "Lead", "Enrollment", "Certification"})
# An audit event belongs to the partner that acted (for a job: whose data it changed); a CRM
# outbox entry to its deal's partner.
PARTNER_OBJECTS = OWNED_OBJECTS | {"Partner", "AuditEvent", "OutboxEntry"}

# Broader first: when a caller holds several roles, the broadest scope of any role applies.
BREADTH = {"all": 4, "managed_partners": 3, "own_partner": 2, "own_records": 1, "none": 0}


def check_scope_fits(obj: str, kind: str) -> str | None:
    """Why `kind` cannot apply to `obj`, or None when it can."""
    if kind in ("managed_partners", "own_partner") and obj not in PARTNER_OBJECTS:
        return f"{obj} rows belong to no partner, so the scope {kind} cannot apply"
    if kind == "own_records" and obj not in OWNED_OBJECTS:
        return f"{obj} rows have no owner, so the scope own_records cannot apply"
    return None


def bind_scope(kind: str, principal: Principal) -> RowScope:
    if kind == "all":
        return RowScope.everything()
    if kind == "managed_partners":
        return RowScope(partner_ids=principal.managed_partner_ids)
    if kind == "own_partner" and principal.partner_id is not None:
        return RowScope(partner_ids=frozenset({principal.partner_id}))
    if kind == "own_records" and principal.partner_id is not None and principal.user_id is not None:
        return RowScope(
            partner_ids=frozenset({principal.partner_id}), owner_user_id=principal.user_id
        )
    # "none", or a scope the caller has nothing to bind to (an API key has no own records).
    return RowScope.nothing()
