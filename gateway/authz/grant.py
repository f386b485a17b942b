"""The Grant: what one caller may see, computed once per request and read by every resolver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.store.scope import RowScope

OBJECT_TYPES = (
    "Partner",
    "PartnerUser",
    "VendorUser",
    "Deal",
    "Lead",
    "Course",
    "Enrollment",
    "Certification",
)


@dataclass(frozen=True)
class Grant:
    """Row scopes per object type; an object type missing from `scopes` is invisible."""

    subject: str
    scopes: Mapping[str, RowScope] = field(default_factory=dict)

    @classmethod
    def vendor_wide(cls, subject: str) -> Grant:
        return cls(subject=subject, scopes={name: RowScope.everything() for name in OBJECT_TYPES})

    def row_scope(self, object_type: str) -> RowScope:
        return self.scopes.get(object_type, RowScope.nothing())
