"""Partner tiers follow from the data: recomputed on a schedule, shown live as tier progress.

The rule (in `gateway.store.tiers`, configured by the `tiers` table): a partner holds the highest
tier whose minimum of currently certified people and of won revenue over the last 365 days it
meets. `Partner.tierProgress` applies it on every read; the stored `partners.tier` (what
`Partner.tier` answers) follows when `recompute_tiers` runs.
"""

from __future__ import annotations

import asyncpg

from gateway.store import tiers as tier_store


async def recompute_tiers(conn: asyncpg.Connection) -> int:
    """Bring every partner's tier in line with the rule, in one statement; how many changed.

    Safe to run at any time and from several instances: the UPDATE only touches partners whose
    tier differs, and a concurrent run simply finds nothing left to change.
    """
    return await tier_store.recompute(conn)
