"""Deal registration rules in SQL: channel conflicts, the one-approval rule, extensions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from gateway.store.database import Executor
from gateway.store.table import Row

OPEN_STATUSES = ("PENDING", "APPROVED")

# Another registration is open when it is pending, or approved and still protected.
_CONFLICTING_DEALS = """
SELECT d.id FROM deals d
WHERE d.customer_root_domain = registrable_domain($1)
  AND d.products && $2::text[]
  AND d.id <> $3
  AND (d.status = 'PENDING' OR (d.status = 'APPROVED' AND d.protection_expires_at > $4))
ORDER BY d.id
"""

_CONFLICTING_OPPORTUNITIES = """
SELECT o.id FROM crm_opportunities o
WHERE o.customer_root_domain = registrable_domain($1)
  AND NOT o.is_closed
  AND (cardinality(o.products) = 0 OR o.products && $2::text[])
ORDER BY o.id
"""


async def find_conflicts(
    conn: Executor, customer_domain: str, products: Sequence[str], deal_id: int, now: datetime
) -> tuple[list[int], list[int]]:
    """(conflicting deal ids, conflicting open CRM opportunity ids) for a registration."""
    deals = await conn.fetch(_CONFLICTING_DEALS, customer_domain, list(products), deal_id, now)
    opportunities = await conn.fetch(_CONFLICTING_OPPORTUNITIES, customer_domain, list(products))
    return [r["id"] for r in deals], [r["id"] for r in opportunities]


async def record_conflicts(
    conn: Executor, deal_id: int, deal_ids: Sequence[int], opportunity_ids: Sequence[int]
) -> None:
    await conn.execute(
        """
        INSERT INTO deal_conflicts (deal_id, conflicting_deal_id, crm_opportunity_id)
        SELECT $1::bigint, other, NULL::bigint FROM unnest($2::bigint[]) AS other
        UNION ALL
        SELECT $1::bigint, NULL::bigint, opp FROM unnest($3::bigint[]) AS opp
        """,
        deal_id,
        list(deal_ids),
        list(opportunity_ids),
    )


async def conflicted_deal_ids(conn: Executor, deal_ids: Sequence[int]) -> set[int]:
    rows = await conn.fetch(
        "SELECT DISTINCT deal_id FROM deal_conflicts WHERE deal_id = ANY($1::bigint[])",
        list(deal_ids),
    )
    return {r["deal_id"] for r in rows}


async def conflicts_of(conn: Executor, deal_ids: Sequence[int]) -> dict[int, list[int]]:
    """Deal id -> the other registrations it conflicted with (vendor eyes only)."""
    rows = await conn.fetch(
        "SELECT deal_id, conflicting_deal_id FROM deal_conflicts "
        "WHERE deal_id = ANY($1::bigint[]) AND conflicting_deal_id IS NOT NULL "
        "ORDER BY deal_id, conflicting_deal_id",
        list(deal_ids),
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["deal_id"], []).append(row["conflicting_deal_id"])
    return found


async def take_approval_slots(conn: asyncpg.Connection, deal_id: int) -> None:
    """Claim (customer, product) for every product of the deal; raises UniqueViolationError
    when another approved registration holds one, even one committed a moment ago."""
    await conn.execute(
        """
        INSERT INTO deal_approvals (customer_root_domain, product, deal_id)
        SELECT d.customer_root_domain, p.product, d.id
        FROM deals d CROSS JOIN LATERAL unnest(d.products) AS p(product)
        WHERE d.id = $1
        """,
        deal_id,
    )


async def release_approval_slots(conn: Executor, deal_ids: Sequence[int]) -> None:
    await conn.execute(
        "DELETE FROM deal_approvals WHERE deal_id = ANY($1::bigint[])", list(deal_ids)
    )


async def holders_of_slots(conn: Executor, deal_id: int) -> list[Row]:
    """Approved registrations holding a (customer, product) slot this deal would need."""
    return list(
        await conn.fetch(
            """
            SELECT DISTINCT a.deal_id FROM deals d
            CROSS JOIN LATERAL unnest(d.products) AS p(product)
            JOIN deal_approvals a
              ON a.customer_root_domain = d.customer_root_domain AND a.product = p.product
            WHERE d.id = $1 AND a.deal_id <> $1
            """,
            deal_id,
        )
    )


async def settle_bulk_registrations(conn: asyncpg.Connection) -> None:
    """After a bulk load: the first approval per customer and product keeps its slot, later
    clashing ones become rejected, and pending registrations get their conflicts recorded."""
    await conn.execute(
        """
        WITH ranked AS (
            SELECT d.id, row_number() OVER (
                PARTITION BY d.customer_root_domain, p.product ORDER BY d.decided_at, d.id
            ) AS place
            FROM deals d CROSS JOIN LATERAL unnest(d.products) AS p(product)
            WHERE d.status = 'APPROVED'
        )
        UPDATE deals SET status = 'REJECTED', protection_expires_at = NULL,
               rejection_reason = 'Another partner holds the approved registration for this '
                                  'customer and product.'
        WHERE id IN (SELECT id FROM ranked WHERE place > 1)
        """
    )
    await conn.execute(
        """
        INSERT INTO deal_approvals (customer_root_domain, product, deal_id, approved_at)
        SELECT d.customer_root_domain, p.product, d.id, d.decided_at
        FROM deals d CROSS JOIN LATERAL unnest(d.products) AS p(product)
        WHERE d.status = 'APPROVED'
        """
    )
    await conn.execute(
        """
        INSERT INTO deal_conflicts (deal_id, conflicting_deal_id, detected_at)
        SELECT d.id, o.id, d.registered_at
        FROM deals d JOIN deals o
          ON o.customer_root_domain = d.customer_root_domain
         AND o.products && d.products
         AND o.id <> d.id
         AND o.registered_at < d.registered_at
         AND o.status IN ('PENDING', 'APPROVED')
        WHERE d.status = 'PENDING'
        """
    )
