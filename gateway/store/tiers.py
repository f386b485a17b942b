"""The partner programme's tiers and their requirements; the `tiers` table."""

from __future__ import annotations

from gateway.store.database import Executor
from gateway.store.table import Row


async def fetch_all(db: Executor) -> list[Row]:
    sql = "SELECT level, rank, name, min_certified_users, min_won_revenue FROM tiers ORDER BY rank"
    return list(await db.fetch(sql))
