"""`node(id:)`: a global id to its row, through the grant and the loaders."""

from __future__ import annotations

from collections.abc import Callable

from gateway.audit.denials import record_denial
from gateway.context import Context
from gateway.loaders.batching import RowByIdLoader
from gateway.loaders.registry import Loaders
from gateway.schema.node import from_global_id
from gateway.store.table import Row

# The loader that fetches each type `node(id:)` answers (already scoped).
NODE_LOADERS: dict[str, Callable[[Loaders], RowByIdLoader]] = {
    "Partner": lambda loaders: loaders.partner_by_id,
    "PartnerUser": lambda loaders: loaders.partner_user_by_id,
    "VendorUser": lambda loaders: loaders.vendor_user_by_id,
    "Deal": lambda loaders: loaders.deal_by_id,
    "Lead": lambda loaders: loaders.lead_by_id,
    "Course": lambda loaders: loaders.course_by_id,
    "Enrollment": lambda loaders: loaders.enrollment_by_id,
    "Certification": lambda loaders: loaders.certification_by_id,
}


async def node_row(context: Context, global_id: str) -> tuple[str, Row] | None:
    """The type and row the id names; None (and a denial in the audit trail) when it does not
    exist or lies outside the caller's grant."""
    type_name, row_id = from_global_id(global_id)
    row = None
    if context.grant.can_read_object(type_name):
        row = await NODE_LOADERS[type_name](context.loaders).load(row_id)
    if row is None:
        # As if it did not exist: the caller learns nothing; the audit trail notes the try.
        reason = "not found or outside the caller's scope"
        record_denial(context, "node", type_name, reason, object_id=row_id)
        return None
    return type_name, row
