"""Writing leads: insert, lock within a scope, assignment, declines and column updates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from gateway.store.lead_distribution import lead_scope_sql
from gateway.store.leads import LEADS
from gateway.store.partners import PARTNERS
from gateway.store.row_writes import insert_row, update_row
from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row

_RETURNING = f"RETURNING {', '.join(LEADS.columns)}"

_UPDATABLE = frozenset(
    {
        "status",
        "assigned_partner_id",
        "assigned_user_id",
        "assigned_at",
        "sla_deadline",
        "converted_deal_id",
    }
)


async def lock(
    conn: asyncpg.Connection, lead_id: int, scope: RowScope, include_pool: bool
) -> Row | None:
    """The lead, locked until the transaction ends, or None when absent or outside `scope`
    (`include_pool`: leads no partner holds count as inside it)."""
    rows = await lock_many(conn, [lead_id], scope, include_pool)
    return rows[0] if rows else None


async def lock_many(
    conn: asyncpg.Connection, lead_ids: Sequence[int], scope: RowScope, include_pool: bool
) -> list[Row]:
    """The leads among `lead_ids` inside the scope, locked in id order (so two callers naming
    the same leads queue instead of deadlocking)."""
    params = SqlParams()
    clauses = [
        f"l.id = ANY({params.add(list(lead_ids))}::bigint[])",
        lead_scope_sql(scope, include_pool, params),
    ]
    sql = f"SELECT {LEADS.select_list} FROM leads l {where(clauses)} ORDER BY l.id FOR UPDATE"
    return list(await conn.fetch(sql, *params.values))


async def insert(conn: asyncpg.Connection, values: Mapping[str, Any]) -> Row:
    return await insert_row(conn, LEADS, values)


async def update(conn: asyncpg.Connection, lead_id: int, changes: Mapping[str, Any]) -> Row:
    return await update_row(conn, LEADS, lead_id, changes, _UPDATABLE)


async def assign(
    conn: asyncpg.Connection, lead_id: int, partner_id: int, user_id: int | None, sla_hours: int
) -> Row:
    """Offer the lead to a partner; the SLA clock starts at the transaction's time."""
    row: Row = await conn.fetchrow(
        "UPDATE leads SET status = 'ASSIGNED', assigned_partner_id = $2, assigned_user_id = $3, "
        "assigned_at = now(), sla_deadline = now() + make_interval(hours => $4) "
        f"WHERE id = $1 {_RETURNING}",
        lead_id,
        partner_id,
        user_id,
        sla_hours,
    )
    return row


async def return_to_pool(conn: asyncpg.Connection, lead_id: int) -> Row:
    """RECALLED and held by nobody: the vendor redistributes it, and the partner that let it
    go no longer sees it."""
    return await update(
        conn,
        lead_id,
        {
            "status": "RECALLED",
            "assigned_partner_id": None,
            "assigned_user_id": None,
            "assigned_at": None,
            "sla_deadline": None,
        },
    )


async def record_decline(
    conn: asyncpg.Connection, lead_id: int, partner_id: int, reason: str, note: str | None
) -> None:
    await conn.execute(
        "INSERT INTO lead_declines (lead_id, partner_id, reason, note) VALUES ($1, $2, $3, $4)",
        lead_id,
        partner_id,
        reason,
        note,
    )


async def partner_in_scope(
    conn: asyncpg.Connection, partner_id: int, scope: RowScope
) -> Row | None:
    """A partner a lead may be handed to, if the caller's Partner scope holds it."""
    params = SqlParams()
    clauses = [f"p.id = {params.add(partner_id)}", PARTNERS.scope_sql(scope, params)]
    sql = f"SELECT p.id, p.status, p.region FROM partners p {where(clauses)}"
    return await conn.fetchrow(sql, *params.values)
