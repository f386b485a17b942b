"""Aggregates over deals and leads: the pipeline by chosen groups, and the lead funnel.

Each is one GROUP BY statement inside the caller's row scope, so a total can never count a row
the caller could not list.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.store.database import Executor
from gateway.store.deals import DEALS, DealFilter
from gateway.store.leads import LEADS, LeadFilter
from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row

# The groups a pipeline may be cut by, as the SQL that computes each (never caller text), over
# deals `d` (DEALS's alias) joined to their partner `p`. A quarter is the one in which the deal
# closed or, while it is open, is expected to close (UTC).
PIPELINE_GROUPS: dict[str, str] = {
    "partner": "d.partner_id",
    "stage": "d.stage",
    "quarter": (
        "to_char(coalesce((d.closed_at AT TIME ZONE 'UTC')::date, d.expected_close_date), "
        "'YYYY-\"Q\"Q')"
    ),
    "region": "d.region",
    "tier": "p.tier",
}


async def pipeline(
    db: Executor, groups: Sequence[str], row_filter: DealFilter, scope: RowScope
) -> list[Row]:
    """A row per combination of `groups` (one row of totals without groups), ordered by them.

    Each row has the group columns (named as in PIPELINE_GROUPS), `deals`, `amount`,
    `won_amount` and `win_rate` (WON over WON or LOST deals; null when none closed).
    """
    chosen = list(dict.fromkeys(groups))
    unknown = set(chosen) - set(PIPELINE_GROUPS)
    if unknown:
        raise ValueError(f"deals cannot be grouped by {sorted(unknown)}")
    params = SqlParams()
    clauses = [DEALS.scope_sql(scope, params), *row_filter.predicates(DEALS.alias, params)]
    keys = [f"{PIPELINE_GROUPS[g]} AS {g}" for g in chosen]
    positions = ", ".join(str(i) for i in range(1, len(chosen) + 1))
    join = "JOIN partners p ON p.id = d.partner_id" if "tier" in chosen else ""
    sql = (
        f"SELECT {''.join(k + ', ' for k in keys)}count(*) AS deals, "
        "coalesce(sum(d.amount), 0) AS amount, "
        "coalesce(sum(d.amount) FILTER (WHERE d.status = 'WON'), 0) AS won_amount, "
        "count(*) FILTER (WHERE d.status = 'WON')::float8 "
        "/ nullif(count(*) FILTER (WHERE d.status IN ('WON', 'LOST')), 0) AS win_rate "
        f"FROM deals d {join} {where(clauses)}"
        + (f" GROUP BY {positions} ORDER BY {positions}" if chosen else "")
    )
    return list(await db.fetch(sql, *params.values))


async def lead_counts_by_status(
    db: Executor, row_filter: LeadFilter, scope: RowScope
) -> dict[str, int]:
    """How many leads are in each status (statuses without leads are absent)."""
    params = SqlParams()
    a = LEADS.alias
    clauses = [LEADS.scope_sql(scope, params), *row_filter.predicates(a, params)]
    sql = (
        f"SELECT {a}.status, count(*) AS leads FROM leads {a} {where(clauses)} "
        f"GROUP BY {a}.status"
    )
    return {row["status"]: row["leads"] for row in await db.fetch(sql, *params.values)}
