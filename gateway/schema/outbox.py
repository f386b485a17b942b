"""OutboxEntry: one change on its way to the CRM (or stuck there), and the filter of `outbox`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.schema import deal as deal_types
from gateway.schema.enums import DealStatus
from gateway.schema.guard import guarded
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.deal import Deal

DealRef = Annotated["Deal", strawberry.lazy("gateway.schema.deal")]


@strawberry.enum(description="Where an outbox entry stands.")
class OutboxStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.enum(description="What an outbox entry writes in the CRM.")
class OutboxOperation(Enum):
    CREATE = "create"
    UPDATE = "update"


@strawberry.enum(description="Why an outbox entry failed for good.")
class OutboxFailure(Enum):
    INVALID = "invalid"
    RECORD_GONE = "record_gone"


@strawberry.type(
    description="A deal change written back to the CRM: a registration becomes a Lead "
    "(CREATE); approvals, rejections and closes update it (UPDATE). Vendor staff only."
)
class OutboxEntry:
    id: strawberry.ID = strawberry.field(description="The entry's number, in commit order.")
    operation: OutboxOperation = strawberry.field(description="CREATE or UPDATE.")
    deal_status: DealStatus = strawberry.field(description="The deal's status this entry reports.")
    status: OutboxStatus = strawberry.field(
        description="PENDING until the CRM confirmed it (DELIVERED) or refused it for good "
        "(FAILED). An update waits for every earlier entry of its deal."
    )
    attempts: int = strawberry.field(description="Delivery attempts so far.")
    last_error: str | None = strawberry.field(
        description="What went wrong on the last failed attempt (kept on a FAILED entry)."
    )
    failure: OutboxFailure | None = strawberry.field(
        description="For a FAILED entry: INVALID (the CRM refused the write; a mapping or "
        "field-permission problem) or RECORD_GONE (the record was deleted in the CRM)."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="When a PENDING entry is tried next."
    )
    crm_record_id: str | None = strawberry.field(
        description="The CRM record written (a Lead, or an Opportunity for a close)."
    )
    created_at: datetime = strawberry.field(description="When the deal change committed.")
    delivered_at: datetime | None = strawberry.field(description="When the CRM confirmed it.")
    deal_id: strawberry.Private[int]

    @strawberry.field(description="The deal the entry reports on.", extensions=guarded())
    async def deal(self, info: strawberry.Info[Context, None]) -> DealRef | None:
        row = await info.context.loaders.deal_by_id.load(self.deal_id)
        return None if row is None else deal_types.Deal.from_row(row)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        pending = row["status"] == "pending"
        return cls(
            id=strawberry.ID(str(row["id"])),
            operation=OutboxOperation(row["operation"]),
            deal_status=DealStatus(row["deal_status"]),
            status=OutboxStatus(row["status"]),
            attempts=row["attempts"],
            last_error=row["last_error"],
            failure=None if row["failure"] is None else OutboxFailure(row["failure"]),
            next_attempt_at=row["next_attempt_at"] if pending else None,
            crm_record_id=row["crm_record_id"],
            created_at=row["created_at"],
            delivered_at=row["delivered_at"],
            deal_id=row["deal_id"],
        )


@strawberry.input(description="Narrows the outbox; all given conditions must hold.")
class OutboxFilter:
    statuses: list[OutboxStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (FAILED: what needs attention)."
    )
    deal_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only entries of these deals (global ids)."
    )
