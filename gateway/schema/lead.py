"""Lead: a prospect the vendor hands to a partner."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers.entities import entity_row
from gateway.schema import deal as deal_types
from gateway.schema import partner as partner_types
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import LeadSource, LeadStatus, Region
from gateway.schema.guard import guarded
from gateway.schema.node import Node, to_global_id
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.deal import Deal
    from gateway.schema.partner import Partner
    from gateway.schema.partner_user import PartnerUser

PartnerRef = Annotated["Partner", strawberry.lazy("gateway.schema.partner")]
PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]
DealRef = Annotated["Deal", strawberry.lazy("gateway.schema.deal")]


@strawberry.federation.type(
    keys=["id"], description="A prospect the vendor distributes to partners."
)
class Lead(Node):
    first_name: str = strawberry.field(description="Contact's first name.")
    last_name: str = strawberry.field(description="Contact's last name.")
    email: str | None = strawberry.field(
        description="Contact's e-mail (personal data).", extensions=guarded()
    )
    phone: str | None = strawberry.field(
        description="Contact's phone (personal data).", extensions=guarded()
    )
    company: str = strawberry.field(description="The prospect's company.")
    domain: str = strawberry.field(description="The company's web domain, lower-case.")
    region: Region = strawberry.field(description="The prospect's region.")
    source: LeadSource = strawberry.field(description="How the lead reached the vendor.")
    score: int | None = strawberry.field(
        description="Vendor-internal lead score, 0 to 100.", extensions=guarded()
    )
    status: LeadStatus = strawberry.field(description="Distribution status.")
    crm_id: str | None = strawberry.field(
        description="Vendor-only: the Lead Id in the CRM, once the lead is there.",
        extensions=guarded(),
    )
    assigned_at: datetime | None = strawberry.field(description="When it was offered.")
    sla_deadline: datetime | None = strawberry.field(
        description="Accept or reject before this instant, or the lead is recalled."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    partner_id: strawberry.Private[int | None]
    assignee_id: strawberry.Private[int | None]
    converted_deal_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The partner the lead is offered to, if any.", extensions=guarded()
    )
    async def partner(self, info: strawberry.Info[Context, None]) -> PartnerRef | None:
        if self.partner_id is None:
            return None
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else partner_types.Partner.from_row(row)

    @strawberry.field(
        description="The partner's person working the lead, if any.", extensions=guarded()
    )
    async def assignee(self, info: strawberry.Info[Context, None]) -> PartnerUserRef | None:
        if self.assignee_id is None:
            return None
        row = await info.context.loaders.partner_user_by_id.load(self.assignee_id)
        return None if row is None else partner_user_types.PartnerUser.from_row(row)

    @strawberry.field(
        description="The deal registration this lead was converted into.", extensions=guarded()
    )
    async def converted_deal(self, info: strawberry.Info[Context, None]) -> DealRef | None:
        if self.converted_deal_id is None:
            return None
        row = await info.context.loaders.deal_by_id.load(self.converted_deal_id)
        return None if row is None else deal_types.Deal.from_row(row)

    @classmethod
    async def resolve_reference(
        cls,
        info: strawberry.Info[Context, None],
        id: strawberry.ID,  # noqa: A002 - the key
    ) -> Self | None:
        """`{__typename: "Lead", id}` from a federation router: what `node(id:)` finds."""
        row = await entity_row(info.context, "Lead", id, info.context.loaders.lead_by_id)
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Lead", row["id"]),
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            phone=row["phone"],
            company=row["company"],
            domain=row["domain"],
            region=Region(row["region"]),
            source=LeadSource(row["source"]),
            score=row["score"],
            status=LeadStatus(row["status"]),
            crm_id=row["crm_lead_id"],
            assigned_at=row["assigned_at"],
            sla_deadline=row["sla_deadline"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            partner_id=row["assigned_partner_id"],
            assignee_id=row["assigned_user_id"],
            converted_deal_id=row["converted_deal_id"],
        )
