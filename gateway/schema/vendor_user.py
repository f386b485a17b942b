"""VendorUser: a member of the vendor's staff (channel managers, admins, analysts)."""

from __future__ import annotations

from typing import Self

import strawberry

from gateway.schema.enums import VendorRole
from gateway.schema.node import Node, to_global_id
from gateway.store.table import Row


@strawberry.type(description="A member of the vendor's staff.")
class VendorUser(Node):
    email: str = strawberry.field(description="Work e-mail address.")
    name: str = strawberry.field(description="Full name.")
    role: VendorRole = strawberry.field(description="Role at the vendor.")

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("VendorUser", row["id"]),
            email=row["email"],
            name=row["name"],
            role=VendorRole(row["role"]),
        )
