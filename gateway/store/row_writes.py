"""Inserting and updating one row of a described table, column names checked against it.

Column names come from the store's own code, never from a caller; the check makes a typo (or a
column that must not change here) fail loudly instead of writing the wrong thing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import asyncpg

from gateway.store.sql import SqlParams
from gateway.store.table import Row, Table


async def insert_row(conn: asyncpg.Connection, table: Table, values: Mapping[str, Any]) -> Row:
    unknown = set(values) - set(table.columns)
    if unknown:
        raise ValueError(f"{table.name} has no columns {sorted(unknown)}")
    params = SqlParams()
    placeholders = ", ".join(params.add(value) for value in values.values())
    sql = (
        f"INSERT INTO {table.name} ({', '.join(values)}) VALUES ({placeholders}) "
        f"RETURNING {', '.join(table.columns)}"
    )
    row: Row = await conn.fetchrow(sql, *params.values)
    return row


async def update_row(
    conn: asyncpg.Connection,
    table: Table,
    row_id: int,
    changes: Mapping[str, Any],
    updatable: Collection[str],
) -> Row:
    unknown = set(changes) - set(updatable)
    if unknown:
        raise ValueError(f"{table.name} columns not updatable here: {sorted(unknown)}")
    params = SqlParams()
    assignments = ", ".join(f"{column} = {params.add(value)}" for column, value in changes.items())
    sql = (
        f"UPDATE {table.name} SET {assignments} WHERE id = {params.add(row_id)} "
        f"RETURNING {', '.join(table.columns)}"
    )
    row: Row = await conn.fetchrow(sql, *params.values)
    return row
