"""Partner: a reseller, integrator or distributor in the vendor's programme."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers import api_keys as api_key_resolvers
from gateway.resolvers import deals as deal_resolvers
from gateway.resolvers import leads as lead_resolvers
from gateway.resolvers import partner_users as partner_user_resolvers
from gateway.resolvers.entities import entity_row
from gateway.schema import deal as deal_types
from gateway.schema import inputs
from gateway.schema import lead as lead_types
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import PartnerStatus, Region, TierLevel
from gateway.schema.guard import guarded
from gateway.schema.mutations import people as people_types
from gateway.schema.node import Node, to_global_id
from gateway.schema.pagination import Connection
from gateway.schema.tier import Tier
from gateway.schema.vendor_user import VendorUser
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.deal import Deal
    from gateway.schema.lead import Lead
    from gateway.schema.mutations.people import ApiKey
    from gateway.schema.partner_user import PartnerUser

DealRef = Annotated["Deal", strawberry.lazy("gateway.schema.deal")]
LeadRef = Annotated["Lead", strawberry.lazy("gateway.schema.lead")]
PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]
ApiKeyRef = Annotated["ApiKey", strawberry.lazy("gateway.schema.mutations.people")]

DEFAULT_PAGE = 20


@strawberry.type(
    description="Where a partner stands in the programme by the tier rules, applied now: the "
    "highest tier whose requirements it meets, and what the next tier takes. The requirements "
    "are the programme's configuration (the `tiers` table, see `Query.tiers`)."
)
class TierProgress:
    current_tier: Tier = strawberry.field(
        description="The tier the partner qualifies for now; `Partner.tier` follows it when "
        "tiers are next recomputed."
    )
    next_tier: Tier | None = strawberry.field(description="The next tier up; null at the top.")
    certified_users: int = strawberry.field(
        description="Active people at the partner holding at least one current (unexpired) "
        "certification."
    )
    required_certified_users: int | None = strawberry.field(
        description="Certified people the next tier requires; null at the top."
    )
    won_revenue_last_12_months: Decimal = strawberry.field(
        description="Sum of the amounts of WON deals closed in the last 365 days."
    )
    required_won_revenue: Decimal | None = strawberry.field(
        description="Trailing-12-month won revenue the next tier requires; null at the top."
    )
    percent: int = strawberry.field(
        description="Progress to the next tier, 0 to 100: the lesser of the two requirements' "
        "fulfilment (both must be met); 100 at the top tier."
    )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        has_next = row["next_level"] is not None
        return cls(
            current_tier=Tier.from_row(row),
            next_tier=Tier(
                level=TierLevel(row["next_level"]),
                name=row["next_name"],
                rank=row["next_rank"],
                min_certified_users=row["next_min_certified_users"],
                min_won_revenue=row["next_min_won_revenue"],
            )
            if has_next
            else None,
            certified_users=row["certified_users"],
            required_certified_users=row["next_min_certified_users"],
            won_revenue_last_12_months=row["won_revenue"],
            required_won_revenue=row["next_min_won_revenue"],
            percent=row["percent"],
        )


@strawberry.federation.type(keys=["id"], description="A partner organisation.")
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
    crm_account_id: str | None = strawberry.field(
        description="Vendor-only: the partner's Account Id in the CRM.",
        extensions=guarded(),
        deprecation_reason="Use `crmId`, the same value.",
    )
    crm_id: str | None = strawberry.field(
        description="Vendor-only: the partner's Account Id in the CRM, the key the mirror "
        "matches it by.",
        extensions=guarded(),
    )
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

    @strawberry.field(
        description="Progress to the next tier, from current certifications and trailing-12-"
        "month won revenue.",
        extensions=guarded(),
    )
    async def tier_progress(self, info: strawberry.Info[Context, None]) -> TierProgress | None:
        row = await info.context.loaders.tier_progress_by_partner_id.load(self.partner_id)
        return None if row is None else TierProgress.from_row(row)

    @strawberry.field(
        description="The partner's API keys, oldest first, revoked ones included; never their "
        "secrets. Partner admins (their own partner's) and vendor admins only.",
        extensions=guarded(),
    )
    async def api_keys(self, info: strawberry.Info[Context, None]) -> list[ApiKeyRef] | None:
        records = await api_key_resolvers.api_keys_of(info.context, self.partner_id)
        return [people_types.ApiKey.from_record(record) for record in records]

    @classmethod
    async def resolve_reference(
        cls,
        info: strawberry.Info[Context, None],
        id: strawberry.ID,  # noqa: A002 - the key
    ) -> Self | None:
        """`{__typename: "Partner", id}` from a federation router: what `node(id:)` finds."""
        row = await entity_row(info.context, "Partner", id, info.context.loaders.partner_by_id)
        return None if row is None else cls.from_row(row)

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
            crm_id=row["crm_account_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            partner_id=row["id"],
            channel_manager_id=row["channel_manager_id"],
        )
