"""Rate-limit tests: a small database of their own (they issue API keys) and the real Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.app import create_app
from gateway.auth.jwt_tokens import mint_token
from gateway.config import Settings
from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from tests.support.auth import TEST_AUTH
from tests.support.postgres import seeded_database

RATELIMIT_PLAN = SeedPlan(partners=3, deals_per_partner=1, leads_per_partner=1)
# CI and this machine run Redis here; TEST_REDIS_URL=off skips the Redis tests on purpose.
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379"

Serve = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="session")
async def ratelimit_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, RATELIMIT_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="session")
async def ratelimit_db(ratelimit_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(ratelimit_dsn, min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The real Redis, emptied of this test's keys afterwards (they live under a unique prefix,
    which `serve` puts into the settings)."""
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)
    if url.strip().lower() == "off":
        pytest.skip("TEST_REDIS_URL=off: the Redis rate-limit tests were switched off")
    client = Redis.from_url(url.removeprefix("async+"), socket_connect_timeout=2)
    try:
        # redis-py types ping() as sync-or-async; on the asyncio client it is awaitable.
        await cast(Awaitable[bool], client.ping())
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.fail(
            f"the rate-limit tests need a real Redis at {url} (TEST_REDIS_URL; 'off' skips "
            f"them), and it could not be reached: {exc}"
        )
    yield url
    await client.aclose()


@pytest.fixture
def key_prefix() -> str:
    return f"pgw-test-{uuid.uuid4().hex}"


@pytest.fixture
async def redis_keys(
    redis_url: str, key_prefix: str
) -> AsyncIterator[Callable[[], Awaitable[list[bytes]]]]:
    """Lists the keys this test wrote under its prefix; deletes them all afterwards."""
    client = Redis.from_url(redis_url.removeprefix("async+"))

    async def scan() -> list[bytes]:
        return [key async for key in client.scan_iter(match=f"{key_prefix}*")]

    yield scan
    keys = await scan()
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def serve(settings: Settings, ratelimit_dsn: str, key_prefix: str) -> Serve:
    """`async with serve(rate_limit_per_user="3/minute") as http:` a gateway of its own."""

    @asynccontextmanager
    async def running(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        app_settings = replace(settings, rate_limit_key_prefix=key_prefix, **changes)
        app = create_app(app_settings, ratelimit_dsn)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://gateway.test"
            ) as http:
                yield http

    return running


def bearer(email: str, role: str) -> dict[str, str]:
    token = mint_token(TEST_AUTH, email, [role], None, timedelta(hours=1))
    return {"authorization": f"Bearer {token}"}


ADMIN = bearer("admin@vendor.example", "vendor_admin")
ANALYST = bearer("analyst@vendor.example", "analyst")
