"""Shared fixtures: one seeded database per session, an in-process client, a real server."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.seed import SeedPlan, seed_database
from gateway.store.database import create_pool
from gateway.store.migrations import migrate
from tests.support.graphql import GraphQLClient
from tests.support.postgres import (
    create_database,
    drop_database,
    postgres_server,
    with_database,
)

# Big enough that the statement-count test can ask for 100 partners x 100 deals.
TEST_PLAN = SeedPlan(partners=100, deals_per_partner=100, leads_per_partner=10, seed=7)


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with postgres_server() as dsn:
            yield dsn


@pytest.fixture(scope="session")
async def seeded_dsn(server_dsn: str) -> AsyncIterator[str]:
    """A migrated database holding TEST_PLAN's data; read-only tests share it."""
    name = await create_database(server_dsn)
    dsn = with_database(server_dsn, name)
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
        await seed_database(conn, TEST_PLAN)
    finally:
        await conn.close()
    yield dsn
    await drop_database(server_dsn, name)


@pytest.fixture
async def empty_dsn(server_dsn: str) -> AsyncIterator[str]:
    """A brand-new, unmigrated database for tests that write or migrate."""
    name = await create_database(server_dsn)
    yield with_database(server_dsn, name)
    await drop_database(server_dsn, name)


@pytest.fixture(scope="session")
async def pool(seeded_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(seeded_dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
async def client(seeded_dsn: str, settings: Settings) -> AsyncIterator[GraphQLClient]:
    """The whole ASGI app in-process, its lifespan (and pool) running for the session."""
    app = create_app(settings, seeded_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)
