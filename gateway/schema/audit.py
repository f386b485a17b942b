"""AuditEvent: one entry of the audit trail, and the filter of `auditEvents`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.schema import partner as partner_types
from gateway.schema.guard import guarded
from gateway.schema.node import NODE_TYPES, to_global_id
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.partner import Partner

PartnerRef = Annotated["Partner", strawberry.lazy("gateway.schema.partner")]


@strawberry.enum(description="How an audited attempt ended.")
class AuditOutcome(Enum):
    ALLOWED = "ALLOWED"
    DENIED = "DENIED"
    FAILED = "FAILED"


@strawberry.type(
    description="Who attempted what, on which object, and how it ended. Vendor admins read "
    "the whole trail, partner admins their organisation's entries."
)
class AuditEvent:
    occurred_at: datetime = strawberry.field(description="When it happened.")
    request_id: str | None = strawberry.field(
        description="The request it happened in (its X-Request-ID); `job-…` for a run of the "
        "scheduled jobs."
    )
    subject: str = strawberry.field(
        description="Who: a person's e-mail, `apikey:<key id>`, or `system:jobs`."
    )
    role: str | None = strawberry.field(
        description="The roles the subject acted with, comma-separated; null for the jobs."
    )
    operation: str = strawberry.field(
        description="What was attempted: a mutation (registerDeal), a query field or `read` "
        "(for a denial), or a job's step (expireDeal, recallLead)."
    )
    object_type: str | None = strawberry.field(
        description="The type of the object acted on, or denied (Deal, Lead, …)."
    )
    object_id: strawberry.ID | None = strawberry.field(
        description="The object's global id, when it is of a node type and known."
    )
    outcome: AuditOutcome = strawberry.field(description="ALLOWED, DENIED or FAILED.")
    reason: str | None = strawberry.field(
        description="Why it was denied or failed, or what a job acted on."
    )
    partner_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The subject's partner organisation; for a job's change, the partner whose "
        "data it changed.",
        extensions=guarded(),
    )
    async def partner(self, info: strawberry.Info[Context, None]) -> PartnerRef | None:
        if self.partner_id is None:
            return None
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else partner_types.Partner.from_row(row)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        object_type, object_id = row["object_type"], row["object_id"]
        is_node = object_type in NODE_TYPES and object_id is not None
        return cls(
            occurred_at=row["occurred_at"],
            request_id=row["request_id"],
            subject=row["subject"],
            role=row["role"],
            operation=row["operation"],
            object_type=object_type,
            object_id=to_global_id(object_type, object_id) if is_node else None,
            outcome=AuditOutcome(row["outcome"]),
            reason=row["reason"],
            partner_id=row["partner_id"],
        )


@strawberry.input(description="Narrows the audit trail; all given conditions must hold.")
class AuditEventFilter:
    outcomes: list[AuditOutcome] | None = strawberry.field(
        default=None, description="Any of these outcomes."
    )
    operations: list[str] | None = strawberry.field(
        default=None, description="Any of these operations (registerDeal, node, read, …)."
    )
    object_types: list[str] | None = strawberry.field(
        default=None, description="Any of these object types (Deal, Lead, …)."
    )
    subject: str | None = strawberry.field(
        default=None, description="Only this subject (an e-mail, `apikey:<key id>`, …)."
    )
    since: datetime | None = strawberry.field(
        default=None, description="Only events at or after this instant."
    )
