"""Job tests write, so each module gets its own small seeded database and a counted pool."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from tests.support.postgres import seeded_database

JOBS_PLAN = SeedPlan(partners=4, deals_per_partner=30, leads_per_partner=5, seed=3)


@pytest.fixture(scope="module")
async def jobs_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, JOBS_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def pool(jobs_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """The gateway's own kind of pool, so statements are counted as the server counts them."""
    pool = await create_pool(jobs_dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()
