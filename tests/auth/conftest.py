"""Authentication tests write keys and people, so they get a small seeded database of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.auth.authenticate import Authenticator
from gateway.auth.settings import AuthSettings
from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from tests.support.postgres import seeded_database

AUTH_PLAN = SeedPlan(partners=3, deals_per_partner=2, leads_per_partner=2)
TEST_SECRET = "secret-of-the-authentication-tests-" + "s" * 32


@pytest.fixture(scope="session")
async def auth_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, AUTH_PLAN) as dsn:
        yield dsn


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
