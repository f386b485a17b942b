"""Reads the SQL statement counter that the pool's query logger feeds (the one /metrics shows)."""

from __future__ import annotations

import asyncio

from gateway.metrics import REGISTRY


def statements_so_far() -> float:
    value = REGISTRY.get_sample_value("gateway_sql_statements_total", {"source": "request"})
    return 0.0 if value is None else value


async def settled_statement_count() -> float:
    """asyncpg reports each statement with `loop.call_soon`; let those callbacks run first."""
    for _ in range(3):
        await asyncio.sleep(0)
    return statements_so_far()
