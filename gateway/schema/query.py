"""The root Query type: entry points into the graph."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from gateway.context import Context
from gateway.resolvers import audit as audit_resolvers
from gateway.resolvers import crm_sync as crm_sync_resolvers
from gateway.resolvers import deals as deal_resolvers
from gateway.resolvers import leads as lead_resolvers
from gateway.resolvers import outbox as outbox_resolvers
from gateway.resolvers import partners as partner_resolvers
from gateway.resolvers import training as training_resolvers
from gateway.resolvers.lists import require_read
from gateway.resolvers.nodes import node_row
from gateway.schema import inputs
from gateway.schema.analytics import AnalyticsQueries
from gateway.schema.audit import AuditEvent, AuditEventFilter
from gateway.schema.crm_sync import CrmSyncStatus
from gateway.schema.deal import Deal
from gateway.schema.federation import FederationQueries
from gateway.schema.lead import Lead
from gateway.schema.node import Node
from gateway.schema.outbox import OutboxEntry, OutboxFilter
from gateway.schema.pagination import Connection
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser
from gateway.schema.tier import Tier
from gateway.schema.training import Certification, Course, Enrollment
from gateway.schema.vendor_user import VendorUser
from gateway.store import tiers as tier_store
from gateway.store.table import Row

DEFAULT_PAGE = 20

# For `node(id:)`: how to build each type from the row `node_row` found.
_NODE_BUILDERS: dict[str, Callable[[Row], Node]] = {
    "Partner": Partner.from_row,
    "PartnerUser": PartnerUser.from_row,
    "VendorUser": VendorUser.from_row,
    "Deal": Deal.from_row,
    "Lead": Lead.from_row,
    "Course": Course.from_row,
    "Enrollment": Enrollment.from_row,
    "Certification": Certification.from_row,
}


@strawberry.type(description="Read the partner programme's data.")
class Query(AnalyticsQueries, FederationQueries):
    @strawberry.field(
        description="Any object by its global id; null when it does not exist or is not yours."
    )
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:  # noqa: A002
        found = await node_row(info.context, id)
        if found is None:
            return None
        type_name, row = found
        return _NODE_BUILDERS[type_name](row)

    @strawberry.field(description="Partners you may see.")
    async def partners(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.PartnerFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.PartnerOrder | None = None,
    ) -> Connection[Partner]:
        return await partner_resolvers.partners(
            info.context, first, after, filter, order_by, Partner.from_row
        )

    @strawberry.field(description="One partner by its slug; null when not found or not yours.")
    async def partner(self, info: strawberry.Info[Context, None], slug: str) -> Partner | None:
        row = await partner_resolvers.partner_by_slug(info.context, slug)
        return None if row is None else Partner.from_row(row)

    @strawberry.field(description="Deal registrations you may see.")
    async def deals(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.DealFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.DealOrder | None = None,
    ) -> Connection[Deal]:
        return await deal_resolvers.deals(
            info.context, first, after, filter, order_by, Deal.from_row
        )

    @strawberry.field(description="Leads you may see.")
    async def leads(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.LeadFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.LeadOrder | None = None,
    ) -> Connection[Lead]:
        return await lead_resolvers.leads(
            info.context, first, after, filter, order_by, Lead.from_row
        )

    @strawberry.field(description="The training catalogue.")
    async def courses(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.CourseFilter | None = None,  # noqa: A002 - the GraphQL argument's name
    ) -> Connection[Course]:
        return await training_resolvers.courses(info.context, first, after, filter, Course.from_row)

    @strawberry.field(description="The programme's tiers, lowest first, with requirements.")
    async def tiers(self, info: strawberry.Info[Context, None]) -> list[Tier]:
        require_read(info.context, "Tier")
        return [Tier.from_row(row) for row in await tier_store.fetch_all(info.context.db)]

    @strawberry.field(
        description="The audit trail, oldest first: every mutation and every denial. Vendor "
        "admins read all of it, partner admins their organisation's; anyone else gets null "
        "with a FORBIDDEN error."
    )
    async def audit_events(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: AuditEventFilter | None = None,  # noqa: A002 - the GraphQL argument's name
    ) -> Connection[AuditEvent] | None:
        return await audit_resolvers.audit_events(
            info.context, first, after, filter, AuditEvent.from_row
        )

    @strawberry.field(
        description="The CRM write-back outbox, oldest first: each registration, approval, "
        "rejection and close on its way to the CRM, and any that failed for good. Vendor staff "
        "only (channel managers: their partners'); anyone else gets null with a FORBIDDEN error."
    )
    async def outbox(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: OutboxFilter | None = None,  # noqa: A002 - the GraphQL argument's name
    ) -> Connection[OutboxEntry] | None:
        return await outbox_resolvers.outbox(
            info.context, first, after, filter, OutboxEntry.from_row
        )

    @strawberry.field(
        description="The CRM mirror per object (Account, Lead, Opportunity): last success, lag, "
        "records and last error. Vendor staff only; anyone else gets null with a FORBIDDEN "
        "error."
    )
    async def sync_status(
        self, info: strawberry.Info[Context, None]
    ) -> list[CrmSyncStatus] | None:
        return await crm_sync_resolvers.sync_status(info.context, CrmSyncStatus.from_row)
