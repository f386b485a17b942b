"""Analytics root fields: the deal pipeline cut by chosen groups, and the lead funnel.

Both are totals over exactly the rows the caller could list (their row scope), and need read
access to the fields they total; see `gateway.resolvers.analytics`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers import analytics as analytics_resolvers
from gateway.schema import inputs
from gateway.schema import partner as partner_types
from gateway.schema.enums import DealStage, LeadStatus, Region, TierLevel
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.partner import Partner

PartnerRef = Annotated["Partner", strawberry.lazy("gateway.schema.partner")]

SCOPE_NOTE = "Counts only the rows you may see, like the matching list would."


@strawberry.enum(description="What pipeline rows can be grouped by.")
class PipelineGroup(Enum):
    PARTNER = "partner"
    STAGE = "stage"
    QUARTER = "quarter"
    REGION = "region"
    TIER = "tier"


@strawberry.type(description="The values a pipeline row is grouped by; null where not grouped.")
class PipelineKeys:
    stage: DealStage | None = strawberry.field(description="The deals' sales stage.")
    quarter: str | None = strawberry.field(
        description="Calendar quarter (UTC), like 2025-Q3, in which the deals closed or, while "
        "open, are expected to close."
    )
    region: Region | None = strawberry.field(description="The end customers' region.")
    tier: TierLevel | None = strawberry.field(
        description="The partners' current tier (`Partner.tier`)."
    )
    partner_id: strawberry.Private[int | None]

    @strawberry.field(description="The partner that registered the deals.")
    async def partner(self, info: strawberry.Info[Context, None]) -> PartnerRef | None:
        if self.partner_id is None:
            return None
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else partner_types.Partner.from_row(row)


@strawberry.type(description="Deal totals for one combination of the groups asked for.")
class PipelineRow:
    keys: PipelineKeys = strawberry.field(description="What this row is grouped by.")
    count: int = strawberry.field(description="Number of deals.")
    amount: Decimal = strawberry.field(
        description="Sum of the deals' amounts, as recorded (no currency conversion)."
    )
    won_amount: Decimal = strawberry.field(description="Sum of the amounts of WON deals.")
    win_rate: float | None = strawberry.field(
        description="WON deals over closed (WON or LOST) deals, 0 to 1; null when none closed."
    )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        def key(name: str) -> str | None:
            return row[name] if name in row.keys() else None

        stage, region, tier = key("stage"), key("region"), key("tier")
        return cls(
            keys=PipelineKeys(
                stage=None if stage is None else DealStage(stage),
                quarter=key("quarter"),
                region=None if region is None else Region(region),
                tier=None if tier is None else TierLevel(tier),
                partner_id=row["partner"] if "partner" in row.keys() else None,
            ),
            count=row["deals"],
            amount=row["amount"],
            won_amount=row["won_amount"],
            win_rate=row["win_rate"],
        )


@strawberry.type(description="How many leads are in one status.")
class LeadStatusCount:
    status: LeadStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="Leads in it now.")


@strawberry.type(description="Leads by where they are in their distribution to partners.")
class LeadFunnel:
    total: int = strawberry.field(description="All leads counted.")
    by_status: list[LeadStatusCount] = strawberry.field(
        description="A count for every status, in funnel order (NEW first, CONVERTED last)."
    )
    conversion_rate: float | None = strawberry.field(
        description="CONVERTED leads over the leads offered to a partner (every status but "
        "NEW), 0 to 1; null when none were offered."
    )


@strawberry.type
class AnalyticsQueries:
    @strawberry.field(
        description="Deal totals (count, amount, won amount, win rate) grouped as asked; with "
        f"no groups, one row of totals. Ordered by the groups. {SCOPE_NOTE}"
    )
    async def pipeline(
        self,
        info: strawberry.Info[Context, None],
        group_by: Annotated[
            list[PipelineGroup],
            strawberry.argument(description="The groups, in the order rows are sorted by."),
        ],
        filter: Annotated[  # noqa: A002 - the GraphQL argument's name
            inputs.DealFilter | None, strawberry.argument(description="Which deals to count.")
        ] = None,
    ) -> list[PipelineRow]:
        found = await analytics_resolvers.pipeline(
            info.context, [group.value for group in group_by], filter
        )
        return [PipelineRow.from_row(row) for row in found]

    @strawberry.field(
        description=f"Leads counted by status, with the conversion rate. {SCOPE_NOTE}"
    )
    async def lead_funnel(
        self,
        info: strawberry.Info[Context, None],
        filter: Annotated[  # noqa: A002 - the GraphQL argument's name
            inputs.LeadFilter | None, strawberry.argument(description="Which leads to count.")
        ] = None,
    ) -> LeadFunnel:
        funnel = await analytics_resolvers.lead_funnel(info.context, filter)
        return LeadFunnel(
            total=funnel.total,
            by_status=[
                LeadStatusCount(status=LeadStatus(status), count=count)
                for status, count in funnel.counts.items()
            ],
            conversion_rate=funnel.conversion_rate,
        )
