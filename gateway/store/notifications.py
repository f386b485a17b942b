"""Change events fanned out to every gateway instance through Postgres LISTEN/NOTIFY.

`notify` runs inside the writer's transaction, so an event is delivered only if (and when) the
change commits, and never for a rolled-back one.
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway.store.database import Executor

DEAL_STATUS_CHANGED = "gateway_deal_status_changed"
LEAD_ASSIGNED = "gateway_lead_assigned"
CHANNELS = (DEAL_STATUS_CHANGED, LEAD_ASSIGNED)


async def notify(db: Executor, channel: str, payload: dict[str, Any]) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    await db.execute("SELECT pg_notify($1, $2)", channel, orjson.dumps(payload).decode())
