"""Outbox tests write, so each module gets its own small seeded database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import asyncpg
import pytest

from gateway.config import Settings
from gateway.crm.client import CrmClient
from gateway.crm.outbox.settings import OutboxSettings
from gateway.crm.outbox.worker import outbox_client
from gateway.crm.settings import CrmSettings
from gateway.seed import SeedPlan
from tests.crm.outbox.support import serving
from tests.support.crm_sandbox import RunningSandbox, running_sandbox
from tests.support.graphql import GraphQLClient
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


@pytest.fixture(scope="module")
async def sandbox(server_dsn: str) -> AsyncIterator[RunningSandbox]:
    """The sandbox CRM seeded from the same plan, so partner Accounts exist on both sides."""
    async with running_sandbox(server_dsn, seed_plan=OUTBOX_PLAN) as running:
        yield running


@pytest.fixture
async def clean_sandbox(sandbox: RunningSandbox) -> AsyncIterator[RunningSandbox]:
    await sandbox.admin.reset_faults()
    await sandbox.admin.reset_stats()
    yield sandbox
    await sandbox.admin.release_hung()
    await sandbox.admin.reset_faults()


@pytest.fixture(scope="module")
def crm_settings(sandbox: RunningSandbox) -> CrmSettings:
    """Small backoffs keep the tests fast; a hung call is cut off after a second. No periodic
    mirror sync: its calls would take the faults meant for the outbox's."""
    return CrmSettings(
        url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        timeout_seconds=1.0,
        retry_base_seconds=0.01,
        retry_cap_seconds=0.05,
        circuit_open_seconds=120.0,
        sync_interval_seconds=0,
    )


@pytest.fixture
async def crm(crm_settings: CrmSettings) -> AsyncIterator[CrmClient]:
    async with outbox_client(crm_settings) as client:
        yield client


@pytest.fixture(scope="module")
async def gateway(
    outbox_dsn: str, settings: Settings, crm_settings: CrmSettings
) -> AsyncIterator[GraphQLClient]:
    """The API with a CRM configured but no worker of its own: tests run the passes."""
    configured = replace(settings, crm=crm_settings, outbox=OutboxSettings(interval_seconds=0))
    async with serving(configured, outbox_dsn) as client:
        yield client
