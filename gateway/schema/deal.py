"""Deal: a partner's registration of a sales opportunity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers.entities import entity_row
from gateway.schema import partner as partner_types
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import DealStage, DealStatus, Region
from gateway.schema.guard import guarded
from gateway.schema.node import Node, to_global_id
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.partner import Partner
    from gateway.schema.partner_user import PartnerUser

PartnerRef = Annotated["Partner", strawberry.lazy("gateway.schema.partner")]
PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]


@strawberry.federation.type(
    keys=["id"], description="A deal registered by a partner for one end customer."
)
class Deal(Node):
    customer_name: str = strawberry.field(description="The end customer's company name.")
    customer_domain: str = strawberry.field(
        description="The end customer's web domain, lower-case (used for conflict detection)."
    )
    region: Region = strawberry.field(description="The end customer's region.")
    products: list[str] = strawberry.field(description="Product codes in the deal.")
    amount: Decimal = strawberry.field(description="Deal value in `currency`.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")
    stage: DealStage = strawberry.field(description="Sales stage.")
    expected_close_date: date = strawberry.field(description="When the partner expects to close.")
    status: DealStatus = strawberry.field(description="Registration status.")
    protection_expires_at: datetime | None = strawberry.field(
        description="End of the protection period of an approved registration."
    )
    rejection_reason: str | None = strawberry.field(
        description="Why the vendor rejected the registration."
    )
    internal_notes: str | None = strawberry.field(
        description="Vendor-only notes on the deal.", extensions=guarded()
    )
    discount_pct: Decimal | None = strawberry.field(
        description="Vendor-only: the discount granted, in percent.", extensions=guarded()
    )
    crm_opportunity_id: str | None = strawberry.field(
        description="Vendor-only: the Opportunity Id in the vendor's CRM, once it exists.",
        extensions=guarded(),
    )
    crm_id: str | None = strawberry.field(
        description="Vendor-only: the registration's Lead Id in the CRM (a registration is a "
        "Lead there until it is converted into `crmOpportunityId`).",
        extensions=guarded(),
    )
    registered_at: datetime = strawberry.field(description="When the partner registered it.")
    decided_at: datetime | None = strawberry.field(
        description="When the vendor approved or rejected it."
    )
    closed_at: datetime | None = strawberry.field(description="When it was won or lost.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    deal_id: strawberry.Private[int]
    partner_id: strawberry.Private[int]
    owner_id: strawberry.Private[int]

    @strawberry.field(description="The partner that registered the deal.", extensions=guarded())
    async def partner(self, info: strawberry.Info[Context, None]) -> PartnerRef | None:
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else partner_types.Partner.from_row(row)

    @strawberry.field(description="The partner's person who owns the deal.", extensions=guarded())
    async def owner(self, info: strawberry.Info[Context, None]) -> PartnerUserRef | None:
        row = await info.context.loaders.partner_user_by_id.load(self.owner_id)
        return None if row is None else partner_user_types.PartnerUser.from_row(row)

    @strawberry.field(
        description="Whether the registration conflicted with another open registration or "
        "CRM opportunity for the same customer and a shared product when it was submitted."
    )
    async def has_conflict(self, info: strawberry.Info[Context, None]) -> bool:
        return await info.context.loaders.has_conflict_by_deal_id.load(self.deal_id)

    @strawberry.field(
        description="Vendor-only: the registrations it conflicted with (those you may see).",
        extensions=guarded(),
    )
    async def conflicts(self, info: strawberry.Info[Context, None]) -> list[Deal] | None:
        loaders = info.context.loaders
        ids = await loaders.conflicting_deal_ids_by_deal_id.load(self.deal_id)
        rows = await loaders.deal_by_id.load_many(ids)
        return [Deal.from_row(row) for row in rows if row is not None]

    @classmethod
    async def resolve_reference(
        cls,
        info: strawberry.Info[Context, None],
        id: strawberry.ID,  # noqa: A002 - the key
    ) -> Self | None:
        """`{__typename: "Deal", id}` from a federation router: what `node(id:)` finds."""
        row = await entity_row(info.context, "Deal", id, info.context.loaders.deal_by_id)
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Deal", row["id"]),
            customer_name=row["customer_name"],
            customer_domain=row["customer_domain"],
            region=Region(row["region"]),
            products=row["products"],
            amount=row["amount"],
            currency=row["currency"],
            stage=DealStage(row["stage"]),
            expected_close_date=row["expected_close_date"],
            status=DealStatus(row["status"]),
            protection_expires_at=row["protection_expires_at"],
            rejection_reason=row["rejection_reason"],
            internal_notes=row["internal_notes"],
            discount_pct=row["discount_pct"],
            crm_opportunity_id=row["crm_opportunity_id"],
            crm_id=row["crm_lead_id"],
            registered_at=row["registered_at"],
            decided_at=row["decided_at"],
            closed_at=row["closed_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            deal_id=row["id"],
            partner_id=row["partner_id"],
            owner_id=row["owner_id"],
        )
