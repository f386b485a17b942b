"""Leads handed to partners; the `leads` table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.store.predicates import at_or_after, id_in, name_or_domain_prefix, one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

LEADS = Table(
    name="leads",
    alias="l",
    columns=(
        "id", "first_name", "last_name", "email", "phone", "company", "domain", "region",
        "source", "score", "status", "assigned_partner_id", "assigned_user_id", "assigned_at",
        "sla_deadline", "converted_deal_id", "crm_lead_id", "created_at", "updated_at",
    ),
    scoped=ScopedColumns(partner="assigned_partner_id", owner="assigned_user_id"),
    order_columns=frozenset({"id", "created_at", "updated_at", "score"}),
    parent_columns=frozenset({"assigned_partner_id", "assigned_user_id"}),
)


@dataclass(frozen=True)
class LeadFilter:
    statuses: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    partner_ids: frozenset[int] | None = None
    updated_since: datetime | None = None
    company: str | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [
            one_of(f"{alias}.status", self.statuses, params),
            one_of(f"{alias}.region", self.regions, params),
            one_of(f"{alias}.source", self.sources, params),
            id_in(f"{alias}.assigned_partner_id", self.partner_ids, params),
            at_or_after(f"{alias}.updated_at", self.updated_since, params),
            name_or_domain_prefix(f"{alias}.company", f"{alias}.domain", self.company, params),
        ]
        return [p for p in found if p]
