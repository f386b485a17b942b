"""The CRM outbox's SQL: entries written beside deal changes, claimed, delivered, listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from gateway.store.database import Executor
from gateway.store.predicates import one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Row, Table

OUTBOX = Table(
    name="crm_outbox",
    alias="ob",
    columns=(
        "id", "deal_id", "partner_id", "operation", "deal_status", "status", "attempts",
        "next_attempt_at", "last_error", "failure", "crm_record_id", "created_at",
        "delivered_at", "updated_at",
    ),  # fmt: skip
    scoped=ScopedColumns(partner="partner_id", owner=None),
    order_columns=frozenset({"id"}),
)

STATUSES = ("pending", "delivered", "failed")


@dataclass(frozen=True)
class OutboxFilter:
    statuses: frozenset[str] | None = None
    deal_ids: frozenset[int] | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [one_of(f"{alias}.status", self.statuses, params)]
        if self.deal_ids is not None:
            found.append(f"{alias}.deal_id = ANY({params.add(sorted(self.deal_ids))}::bigint[])")
        return [p for p in found if p]


async def enqueue_create(conn: asyncpg.Connection, deal_id: int) -> None:
    """Call inside the transaction that inserted the deal: both commit, or neither."""
    await conn.execute(
        "INSERT INTO crm_outbox (deal_id, partner_id, operation, deal_status) "
        "SELECT id, partner_id, 'create', status FROM deals WHERE id = $1",
        deal_id,
    )


async def enqueue_update(conn: asyncpg.Connection, deal_id: int) -> None:
    """Report the deal's new status, inside the transaction that changed it."""
    await enqueue_updates(conn, [deal_id])


async def enqueue_updates(conn: asyncpg.Connection, deal_ids: Sequence[int]) -> None:
    """Report each deal's new status, inside the transaction that changed them.

    A deal the CRM has never heard of (a bulk-loaded one without a Lead id and without a create
    entry) gets a create entry first: an update needs a record to update.
    """
    await conn.execute(
        """
        WITH d AS (SELECT id, partner_id, status, crm_lead_id FROM deals
                   WHERE id = ANY($1::bigint[]))
        INSERT INTO crm_outbox (deal_id, partner_id, operation, deal_status)
        SELECT deal_id, partner_id, operation, status FROM (
            SELECT 1 AS place, d.id AS deal_id, d.partner_id, 'create' AS operation, d.status
            FROM d
            WHERE d.crm_lead_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM crm_outbox o
                              WHERE o.deal_id = d.id AND o.operation = 'create')
            UNION ALL
            SELECT 2, d.id, d.partner_id, 'update', d.status FROM d
        ) AS entries
        ORDER BY deal_id, place
        """,
        list(deal_ids),
    )


# The claim: due pending entries whose earlier entries (same deal) are all delivered, not
# leased by a live worker. SKIP LOCKED lets several gateways claim side by side; the lease
# (claimed_until) keeps a claimed entry away from others after this short transaction ends.
# Each claim counts as an attempt, so an entry whose earlier attempt may have reached the CRM
# is known by attempts > 1. The deal's fields come along for the payload.
_CLAIM = """
WITH due AS (
    SELECT o.id FROM crm_outbox o
    WHERE o.status = 'pending'
      AND o.next_attempt_at <= now()
      AND (o.claimed_until IS NULL OR o.claimed_until < now())
      AND NOT EXISTS (SELECT 1 FROM crm_outbox e
                      WHERE e.deal_id = o.deal_id AND e.id < o.id AND e.status <> 'delivered')
    ORDER BY o.next_attempt_at, o.id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE crm_outbox o
    SET claimed_until = clock_timestamp() + $2::interval, attempts = o.attempts + 1,
        updated_at = now()
    FROM due WHERE o.id = due.id
    RETURNING o.id, o.deal_id, o.operation, o.deal_status, o.attempts, o.claimed_until
)
SELECT c.id, c.deal_id, c.operation, c.deal_status, c.attempts, c.claimed_until,
       d.customer_name, d.customer_domain, d.region, d.products, d.amount, d.currency,
       d.stage, d.expected_close_date, d.status AS current_status,
       d.crm_lead_id, d.crm_opportunity_id,
       p.crm_account_id AS partner_crm_account_id, p.name AS partner_name,
       u.first_name AS owner_first_name, u.last_name AS owner_last_name,
       u.email AS owner_email
FROM claimed c
JOIN deals d ON d.id = c.deal_id
JOIN partners p ON p.id = d.partner_id
JOIN partner_users u ON u.id = d.owner_id
ORDER BY c.id
"""


async def claim_due(db: Executor, limit: int, lease_seconds: float) -> list[Row]:
    """Up to `limit` entries, leased to the caller for `lease_seconds`."""
    return list(await db.fetch(_CLAIM, limit, timedelta(seconds=lease_seconds)))


# Every settling statement names the lease it holds: a worker whose lease ran out (and whose
# entry another worker took over) changes nothing.
async def mark_delivered(
    db: Executor, entry_id: int, lease: datetime, crm_record_id: str, is_create: bool
) -> bool:
    """Settle the entry; a create also records the Lead's id on the deal (one statement)."""
    settled: int | None = await db.fetchval(
        """
        WITH done AS (
            UPDATE crm_outbox SET status = 'delivered', delivered_at = now(), claimed_until = NULL,
                   crm_record_id = $3, last_error = NULL, updated_at = now()
            WHERE id = $1 AND claimed_until = $2 AND status = 'pending'
            RETURNING deal_id
        ), lead AS (
            UPDATE deals d SET crm_lead_id = $3, updated_at = now()
            FROM done
            WHERE $4::boolean AND d.id = done.deal_id AND d.crm_lead_id IS DISTINCT FROM $3
        )
        SELECT count(*) FROM done
        """,
        entry_id,
        lease,
        crm_record_id,
        is_create,
    )
    return bool(settled)


async def mark_retry(
    db: Executor, entry_id: int, lease: datetime, error: str, delay_seconds: float
) -> bool:
    status = await db.execute(
        "UPDATE crm_outbox SET claimed_until = NULL, last_error = $3, updated_at = now(), "
        "next_attempt_at = clock_timestamp() + make_interval(secs => $4::double precision) "
        "WHERE id = $1 AND claimed_until = $2 AND status = 'pending'",
        entry_id,
        lease,
        error,
        delay_seconds,
    )
    return status == "UPDATE 1"


async def mark_failed(
    db: Executor, entry_id: int, lease: datetime, error: str, failure: str
) -> bool:
    """A permanent failure: kept, with its reason, until someone acts on it."""
    status = await db.execute(
        "UPDATE crm_outbox SET status = 'failed', failure = $4, last_error = $3, "
        "claimed_until = NULL, updated_at = now() "
        "WHERE id = $1 AND claimed_until = $2 AND status = 'pending'",
        entry_id,
        lease,
        error,
        failure,
    )
    return status == "UPDATE 1"


async def status_counts(db: Executor) -> dict[str, int]:
    rows = await db.fetch("SELECT status, count(*) AS total FROM crm_outbox GROUP BY status")
    found = {status: 0 for status in STATUSES}
    found.update({r["status"]: r["total"] for r in rows})
    return found
