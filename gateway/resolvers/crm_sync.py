"""`syncStatus`: the CRM mirror's state per object, for vendor staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.lists import require_read
from gateway.store import crm_sync_state
from gateway.store.table import Row

NodeT = TypeVar("NodeT")
SYNC_STATUS_OBJECT = "CrmSyncStatus"


async def sync_status(context: Context, to_node: Callable[[Row], NodeT]) -> list[NodeT]:
    require_read(context, SYNC_STATUS_OBJECT)
    return [to_node(row) for row in await crm_sync_state.status_rows(context.db)]
