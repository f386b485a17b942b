"""The partner programme's tiers, their requirements, and where each partner stands.

The `tiers` table is the configuration: each tier's minimum of currently certified people and of
trailing-12-month won revenue. A partner holds the highest-ranked tier whose two minimums it
meets (the lowest tier when it meets none). `_STANDING` states that rule once, in SQL, for both
`Partner.tierProgress` and the scheduled recomputation of `partners.tier`.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from gateway.store.database import Executor
from gateway.store.table import Row


async def fetch_all(db: Executor) -> list[Row]:
    sql = "SELECT level, rank, name, min_certified_users, min_won_revenue FROM tiers ORDER BY rank"
    return list(await db.fetch(sql))


# `{partners}` is a row source of partner ids named m(partner_id). Certified people are active
# users of the partner holding at least one certification that has not expired; someone who has
# left (deactivated) no longer counts. Won revenue is the amounts of WON deals closed in the
# last 365 days, added as recorded (the programme runs in one currency; nothing is converted).
_STANDING = """
WITH measured AS (
    SELECT m.partner_id,
           (SELECT count(DISTINCT c.user_id)
              FROM certifications c JOIN partner_users u ON u.id = c.user_id AND u.active
             WHERE c.partner_id = m.partner_id AND c.expires_at > now()) AS certified_users,
           (SELECT coalesce(sum(d.amount), 0)
              FROM deals d
             WHERE d.partner_id = m.partner_id AND d.status = 'WON'
               AND d.closed_at > now() - interval '365 days') AS won_revenue
    FROM {partners}
),
standing AS (
    SELECT x.partner_id, x.certified_users, x.won_revenue,
           coalesce(
               (SELECT t.level FROM tiers t
                 WHERE t.min_certified_users <= x.certified_users
                   AND t.min_won_revenue <= x.won_revenue
                 ORDER BY t.rank DESC LIMIT 1),
               (SELECT t.level FROM tiers t ORDER BY t.rank LIMIT 1)
           ) AS level
    FROM measured x
)
"""

# Progress to the next tier is the lesser of the two requirements' fulfilment (both must be
# met), each capped at 100%; a requirement of zero is met; at the top tier it is 100.
_PROGRESS = _STANDING.format(partners="unnest($1::bigint[]) AS m(partner_id)") + """
SELECT s.partner_id, s.certified_users, s.won_revenue,
       cur.level, cur.rank, cur.name, cur.min_certified_users, cur.min_won_revenue,
       nxt.level AS next_level, nxt.rank AS next_rank, nxt.name AS next_name,
       nxt.min_certified_users AS next_min_certified_users,
       nxt.min_won_revenue AS next_min_won_revenue,
       CASE WHEN nxt.level IS NULL THEN 100 ELSE floor(100 * least(
           CASE WHEN nxt.min_certified_users = 0 THEN 1
                ELSE least(1, s.certified_users::numeric / nxt.min_certified_users) END,
           CASE WHEN nxt.min_won_revenue = 0 THEN 1
                ELSE least(1, s.won_revenue / nxt.min_won_revenue) END
       ))::int END AS percent
FROM standing s
JOIN tiers cur ON cur.level = s.level
LEFT JOIN LATERAL (
    SELECT t.* FROM tiers t WHERE t.rank > cur.rank ORDER BY t.rank LIMIT 1
) nxt ON true
"""

_RECOMPUTE = _STANDING.format(partners="(SELECT id FROM partners) AS m(partner_id)") + """
UPDATE partners p SET tier = s.level
FROM standing s
WHERE p.id = s.partner_id AND p.tier IS DISTINCT FROM s.level
"""


async def progress_of(db: Executor, partner_ids: Sequence[int]) -> dict[int, Row]:
    """Each partner's standing and its progress to the next tier, in one statement."""
    rows = await db.fetch(_PROGRESS, sorted(set(partner_ids)))
    return {row["partner_id"]: row for row in rows}


async def recompute(conn: asyncpg.Connection) -> int:
    """Set every partner's tier by the rule, in one statement; answers how many changed."""
    status = await conn.execute(_RECOMPUTE)
    return int(status.split()[-1])
