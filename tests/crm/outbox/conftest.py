"""Outbox tests write, so each module gets its own small seeded database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from gateway.seed import SeedPlan
from tests.support.postgres import seeded_database

OUTBOX_PLAN = SeedPlan(partners=4, deals_per_partner=6, leads_per_partner=2, seed=23)


@pytest.fixture(scope="module")
async def outbox_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, OUTBOX_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def db(outbox_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(outbox_dsn, min_size=1, max_size=4)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
def bearer(tokens: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    """Headers for a persona (personas have the same e-mails and roles in every seed)."""
    return lambda email: {"authorization": f"Bearer {tokens(email)}"}
