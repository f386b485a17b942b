"""Partners: the organisations that resell; the `partners` table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.store.predicates import at_or_after, id_in, name_or_domain_prefix, one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

PARTNERS = Table(
    name="partners",
    alias="p",
    columns=(
        "id", "slug", "name", "region", "country", "status", "tier", "website", "domain",
        "channel_manager_id", "internal_rating", "contract_value", "joined_at",
        "crm_account_id", "created_at", "updated_at",
    ),
    # A partner's own row is "owned" by no user: an owner-scoped caller still sees its
    # organisation's profile, so the owner column is left out on purpose.
    scoped=ScopedColumns(partner="id", owner=None),
    order_columns=frozenset({"id", "name", "joined_at", "updated_at"}),
)


@dataclass(frozen=True)
class PartnerFilter:
    ids: frozenset[int] | None = None
    regions: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    tiers: frozenset[str] | None = None
    slugs: frozenset[str] | None = None
    updated_since: datetime | None = None
    search: str | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [
            id_in(f"{alias}.id", self.ids, params),
            one_of(f"{alias}.region", self.regions, params),
            one_of(f"{alias}.status", self.statuses, params),
            one_of(f"{alias}.tier", self.tiers, params),
            one_of(f"{alias}.slug", self.slugs, params),
            at_or_after(f"{alias}.updated_at", self.updated_since, params),
            name_or_domain_prefix(f"{alias}.name", f"{alias}.domain", self.search, params),
        ]
        return [p for p in found if p]
