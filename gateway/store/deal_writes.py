"""Writing deals: insert, lock-for-update within a scope, and whitelisted column updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from gateway.store import outbox
from gateway.store.deals import DEALS
from gateway.store.row_writes import insert_row, update_row
from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row

_UPDATABLE = frozenset(
    {
        "customer_name",
        "amount",
        "currency",
        "stage",
        "expected_close_date",
        "status",
        "protection_expires_at",
        "rejection_reason",
        "internal_notes",
        "discount_pct",
        "decided_at",
        "closed_at",
        "products",
    }
)


async def lock(conn: asyncpg.Connection, deal_id: int, scope: RowScope) -> Row | None:
    """The deal, locked until the transaction ends, or None when absent or outside `scope`."""
    params = SqlParams()
    clauses = [f"d.id = {params.add(deal_id)}", DEALS.scope_sql(scope, params)]
    sql = f"SELECT {DEALS.select_list} FROM deals d {where(clauses)} FOR UPDATE"
    return await conn.fetchrow(sql, *params.values)


async def insert(conn: asyncpg.Connection, values: Mapping[str, Any]) -> Row:
    return await insert_row(conn, DEALS, values)


async def update(conn: asyncpg.Connection, deal_id: int, changes: Mapping[str, Any]) -> Row:
    return await update_row(conn, DEALS, deal_id, changes, _UPDATABLE)


async def partner_user(conn: asyncpg.Connection, user_id: int) -> Row | None:
    return await conn.fetchrow(
        "SELECT id, partner_id, active, email FROM partner_users WHERE id = $1", user_id
    )


async def open_extension_request(conn: asyncpg.Connection, deal_id: int) -> Row | None:
    return await conn.fetchrow(
        "SELECT id, requested_days FROM deal_extension_requests "
        "WHERE deal_id = $1 AND status = 'PENDING' FOR UPDATE",
        deal_id,
    )


async def add_extension_request(
    conn: asyncpg.Connection, deal_id: int, requested_by: str, days: int, reason: str
) -> None:
    await conn.execute(
        "INSERT INTO deal_extension_requests (deal_id, requested_by, requested_days, reason) "
        "VALUES ($1, $2, $3, $4)",
        deal_id,
        requested_by,
        days,
        reason,
    )


async def decide_extension_request(
    conn: asyncpg.Connection, request_id: int, status: str, decided_by: str
) -> None:
    await conn.execute(
        "UPDATE deal_extension_requests SET status = $2, decided_at = now(), decided_by = $3 "
        "WHERE id = $1",
        request_id,
        status,
        decided_by,
    )


async def expire_overdue(conn: asyncpg.Connection) -> list[int]:
    """Approved deals past their protection become EXPIRED, free their slots and are reported
    to the CRM (outbox entries in the same transaction)."""
    rows = await conn.fetch(
        "UPDATE deals SET status = 'EXPIRED' WHERE status = 'APPROVED' "
        "AND protection_expires_at <= now() RETURNING id"
    )
    ids = [r["id"] for r in rows]
    if ids:
        await conn.execute("DELETE FROM deal_approvals WHERE deal_id = ANY($1::bigint[])", ids)
        await outbox.enqueue_updates(conn, ids)  # the CRM hears of the expiry too
    return ids
