"""Deal registrations; the `deals` table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.store.predicates import (
    at_or_after,
    contains,
    id_in,
    name_or_domain_prefix,
    one_of,
)
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

DEALS = Table(
    name="deals",
    alias="d",
    columns=(
        "id", "partner_id", "owner_id", "customer_name", "customer_domain", "region", "products",
        "amount", "currency", "stage", "expected_close_date", "status", "protection_expires_at",
        "rejection_reason", "internal_notes", "discount_pct", "crm_lead_id",
        "crm_opportunity_id", "registered_at", "decided_at", "closed_at", "created_at",
        "updated_at",
    ),
    scoped=ScopedColumns(partner="partner_id", owner="owner_id"),
    order_columns=frozenset(
        {"id", "created_at", "updated_at", "amount", "expected_close_date", "customer_name"}
    ),
    parent_columns=frozenset({"partner_id", "owner_id"}),
)


@dataclass(frozen=True)
class DealFilter:
    statuses: frozenset[str] | None = None
    stages: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    partner_ids: frozenset[int] | None = None
    owner_ids: frozenset[int] | None = None
    product: str | None = None
    updated_since: datetime | None = None
    customer: str | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [
            one_of(f"{alias}.status", self.statuses, params),
            one_of(f"{alias}.stage", self.stages, params),
            one_of(f"{alias}.region", self.regions, params),
            id_in(f"{alias}.partner_id", self.partner_ids, params),
            id_in(f"{alias}.owner_id", self.owner_ids, params),
            contains(f"{alias}.products", self.product, params),
            at_or_after(f"{alias}.updated_at", self.updated_since, params),
            name_or_domain_prefix(
                f"{alias}.customer_name", f"{alias}.customer_domain", self.customer, params
            ),
        ]
        return [p for p in found if p]
