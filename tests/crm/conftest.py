"""The mirror and live-source tests: per module, a gateway database and a sandbox CRM seeded
from the same small plan (so their records match as the demo data's do); per test, an empty
mirror and a sandbox without faults or counts. (Databases are made per module: making and
dropping them is most of what these tests would otherwise cost.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from gateway.crm.client import CrmClient
from gateway.crm.mapping import CrmMapping
from gateway.crm.sync import MirrorSync
from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from tests.crm.support import sandbox_settings
from tests.support.crm_sandbox import RunningSandbox, running_sandbox
from tests.support.postgres import seeded_database

# 3 partners, 60 registrations (most of them Leads, the approved ones Opportunities too) and
# 15 leads: with pages of 10, every object takes several pages.
MIRROR_PLAN = SeedPlan(partners=3, deals_per_partner=20, leads_per_partner=5, seed=31)
# Both seeds as of one instant: the generator's dates are `now`-relative, and two seeds a few
# seconds apart put a close date on either side of midnight now and then, which the mirror
# would then (rightly) carry over as a change.
SEED_NOW = datetime.now(UTC)

_EMPTY_MIRROR = """
TRUNCATE crm_accounts, crm_leads, crm_sync_state;
DELETE FROM crm_opportunities;
"""


@pytest.fixture(scope="module")
async def gateway_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, MIRROR_PLAN, now=SEED_NOW) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def module_sandbox(server_dsn: str) -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(server_dsn, seed_plan=MIRROR_PLAN, seed_now=SEED_NOW) as running:
        yield running


@pytest.fixture
async def db(gateway_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """The gateway's database with nothing mirrored yet."""
    pool = await create_pool(gateway_dsn, min_size=1, max_size=4)
    await pool.execute(_EMPTY_MIRROR)
    yield pool
    await pool.close()


@pytest.fixture
async def sandbox(module_sandbox: RunningSandbox) -> AsyncIterator[RunningSandbox]:
    """The module's sandbox, without faults and with its counts at zero."""
    await module_sandbox.admin.reset_faults()
    await module_sandbox.admin.reset_stats()
    yield module_sandbox
    await module_sandbox.admin.release_hung()
    await module_sandbox.admin.reset_faults()


@pytest.fixture
async def crm(sandbox: RunningSandbox) -> AsyncIterator[CrmClient]:
    async with CrmClient(sandbox_settings(sandbox)) as client:
        yield client


@pytest.fixture
def mirror(crm: CrmClient, db: asyncpg.Pool) -> MirrorSync:
    return MirrorSync(crm, db, CrmMapping.load())
