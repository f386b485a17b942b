"""Federation entity references (`_entities`): a key to a row, through the grant and the loaders."""

from __future__ import annotations

from gateway.audit.denials import record_denial
from gateway.context import Context
from gateway.loaders.batching import RowByIdLoader
from gateway.schema.node import from_global_id
from gateway.store.table import Row


async def entity_row(
    context: Context, type_name: str, global_id: str, loader: RowByIdLoader
) -> Row | None:
    """The row a representation's key names, exactly as `node(id:)` finds it: None (and a
    denial in the audit trail) when it does not exist or lies outside the caller's grant.
    The key is the type's global id; one of another type is the caller's error (INVALID_ID)."""
    _, row_id = from_global_id(global_id, expected=type_name)
    row = await loader.load(row_id) if context.grant.can_read_object(type_name) else None
    if row is None:
        # One event per type per request (the first id), as field denials are folded: a
        # router's list of references would otherwise write a thousand events per request.
        reason = "not found or outside the caller's scope (the first such reference)"
        record_denial(
            context,
            "entities",
            type_name,
            reason,
            object_id=row_id,
            once_key=f"_entities:{type_name}",
        )
    return row
