"""Making a deal overdue, and watching what a job announces."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson

from gateway.store.notifications import DEAL_STATUS_CHANGED


async def overdue_approved_deal(db: asyncpg.Pool) -> int:
    """An approved deal (holding its approval slots) whose protection ended a minute ago."""
    deal_id: int = await db.fetchval(
        "UPDATE deals SET protection_expires_at = now() - interval '1 minute' WHERE id = ("
        "  SELECT d.id FROM deals d WHERE d.status = 'APPROVED' AND d.protection_expires_at > now()"
        "  AND EXISTS (SELECT 1 FROM deal_approvals a WHERE a.deal_id = d.id)"
        "  ORDER BY d.id LIMIT 1"
        ") RETURNING id"
    )
    assert deal_id is not None, "the seed has no approved deal left to make overdue"
    return deal_id


async def status_of(db: asyncpg.Pool, deal_id: int) -> str:
    status: str = await db.fetchval("SELECT status FROM deals WHERE id = $1", deal_id)
    return status


@asynccontextmanager
async def announcements(dsn: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Every deal status change announced (and committed) while the block runs."""
    heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    conn = await asyncpg.connect(dsn)

    def on_notification(_conn: object, _pid: int, _channel: str, payload: object) -> None:
        heard.put_nowait(orjson.loads(str(payload)))

    await conn.add_listener(DEAL_STATUS_CHANGED, on_notification)
    try:
        yield heard
    finally:
        await conn.close()


async def drain(heard: asyncio.Queue[dict[str, Any]], *, settle: float = 0.3) -> list[Any]:
    """What arrived, waiting `settle` seconds for notifications still on their way."""
    await asyncio.sleep(settle)
    found = []
    while not heard.empty():
        found.append(heard.get_nowait())
    return found
