"""Authentication tests write keys and people, so they get a small seeded database of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.auth.authenticate import Authenticator
from gateway.auth.settings import AuthSettings
from gateway.seed import SeedPlan, seed_database
from gateway.store.database import create_pool
from gateway.store.migrations import migrate
from tests.support.postgres import create_database, drop_database, with_database

AUTH_PLAN = SeedPlan(partners=3, deals_per_partner=2, leads_per_partner=2)
TEST_SECRET = "secret-of-the-authentication-tests-" + "s" * 32


@pytest.fixture(scope="session")
async def auth_dsn(server_dsn: str) -> AsyncIterator[str]:
    name = await create_database(server_dsn)
    dsn = with_database(server_dsn, name)
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
        await seed_database(conn, AUTH_PLAN)
    finally:
        await conn.close()
    yield dsn
    await drop_database(server_dsn, name)


@pytest.fixture(scope="session")
async def auth_db(auth_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(auth_dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def conn(auth_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own, for counting the statements one piece of work sends."""
    connection = await asyncpg.connect(auth_dsn)
    yield connection
    await connection.close()


@pytest.fixture
def auth_settings() -> AuthSettings:
    return AuthSettings(jwt_secret=TEST_SECRET)


@pytest.fixture
def authenticator(auth_settings: AuthSettings, auth_db: asyncpg.Pool) -> Authenticator:
    return Authenticator(auth_settings, auth_db)
