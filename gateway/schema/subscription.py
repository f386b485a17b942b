"""The root Subscription type: live updates over a websocket speaking graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry

from gateway.context import Context
from gateway.schema.deal import Deal
from gateway.schema.enums import DealStatus
from gateway.schema.lead import Lead
from gateway.subscriptions import streams
from gateway.subscriptions.connection import connection_of


@strawberry.type(description="A change of a deal's registration status.")
class DealStatusChange:
    deal: Deal = strawberry.field(description="The deal as it is now.")
    status: DealStatus = strawberry.field(description="The status the deal changed to.")
    previous_status: DealStatus = strawberry.field(
        description="The status the deal changed from."
    )


@strawberry.type(
    description="Live updates. Connect to /graphql with the graphql-transport-ws protocol and "
    'send your credentials in connection_init: {"Authorization": "Bearer …"} or '
    '{"X-API-Key": "…"}. Each event obeys the same row scope and field rules as a query.'
)
class Subscription:
    @strawberry.subscription(
        description="Each lead as it is assigned to a partner: for that partner's people who "
        "may read the lead (a rep: leads assigned to them) and vendor staff whose scope holds it."
    )
    async def lead_assigned(
        self, info: strawberry.Info[Context, None]
    ) -> AsyncGenerator[Lead, None]:
        # aclosing: a client that stops unsubscribes at once, not when garbage is collected.
        async with aclosing(streams.lead_assignments(connection_of(info.context))) as rows:
            async for row in rows:
                yield Lead.from_row(row)

    @strawberry.subscription(
        description="Each change of a deal's registration status (approved, rejected, "
        "expired, won, lost), for whoever may read the deal."
    )
    async def deal_status_changed(
        self, info: strawberry.Info[Context, None]
    ) -> AsyncGenerator[DealStatusChange, None]:
        async with aclosing(streams.deal_status_changes(connection_of(info.context))) as changes:
            async for event, row in changes:
                yield DealStatusChange(
                    deal=Deal.from_row(row),
                    status=DealStatus(event.status),
                    previous_status=DealStatus(event.previous_status),
                )
