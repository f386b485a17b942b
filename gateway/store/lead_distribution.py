"""Lead distribution in SQL: which partners may be offered a lead, and which one gets it.

The rule itself (tier weights, the round-robin window) is the workflow's; this module only
turns it into statements. `p` is the candidate partner and `l` the lead in every fragment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from gateway.store.leads import LEADS
from gateway.store.partners import PARTNERS
from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row

# Leads the vendor may (re)distribute: never offered yet, or back from a partner.
DISTRIBUTABLE = ("NEW", "RECALLED")


@dataclass(frozen=True)
class DistributionRule:
    """Weights per tier (a tier missing here is never chosen) and the round-robin window."""

    tier_weights: Mapping[str, int]
    window_days: int
    # The partners the caller may hand leads to (a channel manager: the ones they manage).
    partners: RowScope


def _eligible(rule: DistributionRule, params: SqlParams) -> str:
    """Partner `p` may be offered lead `l`: active, same region, not declined it, not holding it."""
    clauses = [
        "p.status = 'ACTIVE'",
        "p.region = l.region",
        "p.id IS DISTINCT FROM l.assigned_partner_id",
        "NOT EXISTS (SELECT 1 FROM lead_declines d WHERE d.lead_id = l.id AND d.partner_id = p.id)",
        f"p.tier = ANY({params.add(sorted(rule.tier_weights))}::text[])",
        PARTNERS.scope_sql(rule.partners, params),
    ]
    return " AND ".join(c for c in clauses if c)


async def next_partner(
    conn: asyncpg.Connection, lead_id: int, rule: DistributionRule
) -> int | None:
    """The eligible partner with the least (recent offers + 1) / tier weight; ties by lowest id.

    Offers this transaction made already count, so a batch spreads over the partners.
    """
    params = SqlParams()
    lead = params.add(lead_id)
    eligible = _eligible(rule, params)
    tiers = params.add(list(rule.tier_weights))
    weights = params.add(list(rule.tier_weights.values()))
    window = params.add(rule.window_days)
    sql = f"""
        SELECT p.id
        FROM leads l
        JOIN partners p ON {eligible}
        JOIN unnest({tiers}::text[], {weights}::int[]) AS w(tier, weight) ON w.tier = p.tier
        CROSS JOIN LATERAL (
            SELECT count(*) AS offers FROM leads r
            WHERE r.assigned_partner_id = p.id
              AND r.assigned_at > now() - make_interval(days => {window})
        ) AS recent
        WHERE l.id = {lead}
        ORDER BY (recent.offers + 1)::numeric / w.weight, p.id
        LIMIT 1
    """
    partner_id: int | None = await conn.fetchval(sql, *params.values)
    return partner_id


def lead_scope_sql(scope: RowScope, include_pool: bool, params: SqlParams) -> str | None:
    """The caller's Lead scope, widened (for vendor staff) to leads no partner holds."""
    scoped = LEADS.scope_sql(scope, params)
    if scoped is None or not include_pool:
        return scoped
    return f"({scoped} OR l.assigned_partner_id IS NULL)"


async def claim_distributable(
    conn: asyncpg.Connection,
    limit: int,
    scope: RowScope,
    include_pool: bool,
    rule: DistributionRule,
) -> list[Row]:
    """Up to `limit` distributable leads that some partner may take, oldest first, locked.

    SKIP LOCKED: leads another transaction is distributing right now are left to it, so
    concurrent runs share the work instead of queueing behind each other.
    """
    params = SqlParams()
    clauses = [
        f"l.status = ANY({params.add(list(DISTRIBUTABLE))}::text[])",
        lead_scope_sql(scope, include_pool, params),
        f"EXISTS (SELECT 1 FROM partners p WHERE {_eligible(rule, params)})",
    ]
    sql = (
        f"SELECT {LEADS.select_list} FROM leads l {where(clauses)} "
        f"ORDER BY l.created_at, l.id LIMIT {params.add(limit)} FOR UPDATE OF l SKIP LOCKED"
    )
    return list(await conn.fetch(sql, *params.values))


async def claim_overdue(conn: asyncpg.Connection) -> list[Row]:
    """Assigned leads past their SLA deadline, locked; ones another run holds are skipped."""
    sql = (
        f"SELECT {LEADS.select_list} FROM leads l "
        "WHERE l.status = 'ASSIGNED' AND l.sla_deadline <= now() "
        "ORDER BY l.sla_deadline, l.id FOR UPDATE OF l SKIP LOCKED"
    )
    return list(await conn.fetch(sql))
