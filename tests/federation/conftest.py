"""Rows of the seeded database the federation tests reference, by owner and partner."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import pytest

from gateway.schema.node import to_global_id


@dataclass(frozen=True)
class SeededIds:
    """Global ids of rows with a known owner: acme's rep, another acme person, and globex."""

    rep_deal: str
    acme_other_deal: str
    globex_deal: str
    acme: str
    globex: str

    @classmethod
    async def load(cls, pool: asyncpg.Pool) -> SeededIds:
        row = await pool.fetchrow(
            """
            SELECT
              (SELECT min(d.id) FROM deals d JOIN partner_users u ON u.id = d.owner_id
                WHERE u.email = 'rep@acme.example') AS rep_deal,
              (SELECT min(d.id) FROM deals d JOIN partner_users u ON u.id = d.owner_id
                JOIN partners p ON p.id = d.partner_id
                WHERE p.slug = 'acme' AND u.email <> 'rep@acme.example') AS acme_other_deal,
              (SELECT min(d.id) FROM deals d JOIN partners p ON p.id = d.partner_id
                WHERE p.slug = 'globex') AS globex_deal,
              (SELECT id FROM partners WHERE slug = 'acme') AS acme,
              (SELECT id FROM partners WHERE slug = 'globex') AS globex
            """
        )
        assert row is not None and None not in tuple(row.values())
        return cls(
            rep_deal=to_global_id("Deal", row["rep_deal"]),
            acme_other_deal=to_global_id("Deal", row["acme_other_deal"]),
            globex_deal=to_global_id("Deal", row["globex_deal"]),
            acme=to_global_id("Partner", row["acme"]),
            globex=to_global_id("Partner", row["globex"]),
        )


@pytest.fixture(scope="session")
async def seeded_ids(pool: asyncpg.Pool) -> SeededIds:
    return await SeededIds.load(pool)
