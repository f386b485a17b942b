"""Partner: a reseller, integrator or distributor in the vendor's programme."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers import deals as deal_resolvers
from gateway.resolvers import leads as lead_resolvers
from gateway.resolvers import partner_users as partner_user_resolvers
from gateway.schema import deal as deal_types
from gateway.schema import inputs
from gateway.schema import lead as lead_types
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import PartnerStatus, Region, TierLevel
from gateway.schema.guard import guarded
from gateway.schema.node import Node, to_global_id
from gateway.schema.pagination import Connection
from gateway.schema.vendor_user import VendorUser
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.deal import Deal
    from gateway.schema.lead import Lead
    from gateway.schema.partner_user import PartnerUser

DealRef = Annotated["Deal", strawberry.lazy("gateway.schema.deal")]
LeadRef = Annotated["Lead", strawberry.lazy("gateway.schema.lead")]
PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]

DEFAULT_PAGE = 20


@strawberry.type(description="A partner organisation.")
class Partner(Node):
    slug: str = strawberry.field(description="Short unique name, used in URLs and policies.")
    name: str = strawberry.field(description="Company name.")
    region: Region = strawberry.field(description="Home region.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    status: PartnerStatus = strawberry.field(description="Programme status.")
    tier: TierLevel = strawberry.field(description="Current programme tier.")
    website: str = strawberry.field(description="Public website.")
    domain: str = strawberry.field(description="Web domain of the partner's e-mail addresses.")
    joined_at: date = strawberry.field(description="When the partner joined the programme.")
    internal_rating: int | None = strawberry.field(
        description="Vendor-only rating of the partner, 1 (low) to 5 (high).", extensions=guarded()
    )
    contract_value: Decimal | None = strawberry.field(
        description="Vendor-only: annual contract value.", extensions=guarded()
    )
    crm_account_id: str | None = strawberry.field(description="Id of the account in the CRM.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    partner_id: strawberry.Private[int]
    channel_manager_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The vendor's channel manager responsible for this partner.",
        extensions=guarded(),
    )
    async def channel_manager(self, info: strawberry.Info[Context, None]) -> VendorUser | None:
        if self.channel_manager_id is None:
            return None
        row = await info.context.loaders.vendor_user_by_id.load(self.channel_manager_id)
        return None if row is None else VendorUser.from_row(row)

    @strawberry.field(description="Deals the partner registered.", extensions=guarded())
    async def deals(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.DealFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.DealOrder | None = None,
    ) -> Connection[DealRef]:
        return await deal_resolvers.deals_of(
            info.context,
            "partner",
            self.partner_id,
            first,
            after,
            filter,
            order_by,
            deal_types.Deal.from_row,
        )

    @strawberry.field(description="Leads offered to the partner.", extensions=guarded())
    async def leads(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.LeadFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.LeadOrder | None = None,
    ) -> Connection[LeadRef]:
        return await lead_resolvers.partner_leads(
            info.context,
            self.partner_id,
            first,
            after,
            filter,
            order_by,
            lead_types.Lead.from_row,
        )

    @strawberry.field(description="The partner's people.", extensions=guarded())
    async def users(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.PartnerUserFilter | None = None,  # noqa: A002 - the GraphQL argument
    ) -> Connection[PartnerUserRef]:
        return await partner_user_resolvers.partner_users(
            info.context,
            self.partner_id,
            first,
            after,
            filter,
            partner_user_types.PartnerUser.from_row,
        )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Partner", row["id"]),
            slug=row["slug"],
            name=row["name"],
            region=Region(row["region"]),
            country=row["country"],
            status=PartnerStatus(row["status"]),
            tier=TierLevel(row["tier"]),
            website=row["website"],
            domain=row["domain"],
            joined_at=row["joined_at"],
            internal_rating=row["internal_rating"],
            contract_value=row["contract_value"],
            crm_account_id=row["crm_account_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            partner_id=row["id"],
            channel_manager_id=row["channel_manager_id"],
        )
