"""The mirror and live-source tests: a fresh gateway database and sandbox CRM per test, both
seeded from the same small plan, so their records match as the demo data's do."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.crm.client import CrmClient
from gateway.crm.mapping import CrmMapping
from gateway.crm.settings import CrmSettings
from gateway.crm.sync import MirrorSync
from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from tests.support.crm_sandbox import RunningSandbox, running_sandbox
from tests.support.postgres import seeded_database

# 3 partners, 60 registrations (most of them Leads, the approved ones Opportunities too) and
# 15 leads: with pages of 10, every object takes several pages.
MIRROR_PLAN = SeedPlan(partners=3, deals_per_partner=20, leads_per_partner=5, seed=31)
PAGE = 10


@pytest.fixture
async def gateway_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, MIRROR_PLAN) as dsn:
        yield dsn


@pytest.fixture
async def db(gateway_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(gateway_dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def sandbox(server_dsn: str) -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(server_dsn, seed_plan=MIRROR_PLAN) as running:
        yield running


def sandbox_settings(sandbox: RunningSandbox, **changes: object) -> CrmSettings:
    """Fast backoff (milliseconds), a one-second timeout, pages of PAGE records."""
    values: dict[str, object] = {
        "url": sandbox.url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "timeout_seconds": 1.0,
        "retry_base_seconds": 0.01,
        "retry_cap_seconds": 0.05,
        "circuit_open_seconds": 120.0,
        "sync_interval_seconds": 0,
        "sync_page_size": PAGE,
        **changes,
    }
    return CrmSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def crm(sandbox: RunningSandbox) -> AsyncIterator[CrmClient]:
    async with CrmClient(sandbox_settings(sandbox)) as client:
        yield client


@pytest.fixture
def mirror(crm: CrmClient, db: asyncpg.Pool) -> MirrorSync:
    return MirrorSync(crm, db, CrmMapping.load())
