"""People at partners; the `partner_users` table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.store.predicates import at_or_after, one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

PARTNER_USERS = Table(
    name="partner_users",
    alias="u",
    columns=(
        "id", "partner_id", "email", "first_name", "last_name", "title", "phone", "role",
        "active", "created_at", "updated_at",
    ),
    scoped=ScopedColumns(partner="partner_id", owner="id"),
    order_columns=frozenset({"id", "email", "updated_at"}),
    parent_columns=frozenset({"partner_id"}),
)


@dataclass(frozen=True)
class PartnerUserFilter:
    roles: frozenset[str] | None = None
    active: bool | None = None
    updated_since: datetime | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [
            one_of(f"{alias}.role", self.roles, params),
            None if self.active is None else f"{alias}.active = {params.add(self.active)}",
            at_or_after(f"{alias}.updated_at", self.updated_since, params),
        ]
        return [p for p in found if p]
