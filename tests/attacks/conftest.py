"""The attack tests' own in-process apps, with rate limits off (a thousand hostile requests must
not spend the budget other tests' callers share): one on the shared seeded database for reads,
one on a small database of their own for writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.seed import SeedPlan
from tests.support.graphql import GraphQLClient
from tests.support.postgres import seeded_database

Caller = Callable[[str], GraphQLClient]
WRITES_PLAN = SeedPlan(partners=2, deals_per_partner=5, leads_per_partner=2, seed=5)


@asynccontextmanager
async def _app(settings: Settings, dsn: str, tokens: Callable[[str], str]) -> AsyncIterator[Caller]:
    unlimited = replace(settings, rate_limit_per_user=None, rate_limit_per_api_key=None)
    app = create_app(unlimited, dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            anonymous = GraphQLClient(http)
            yield lambda email: anonymous.as_({"authorization": f"Bearer {tokens(email)}"})


@pytest.fixture(scope="module")
async def attacker(
    seeded_dsn: str, settings: Settings, tokens: Callable[[str], str]
) -> AsyncIterator[Caller]:
    """`attacker("rep@acme.example")`: a client speaking with that person's token (reads)."""
    async with _app(settings, seeded_dsn, tokens) as caller:
        yield caller


@pytest.fixture(scope="module")
async def writes_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, WRITES_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def writer(
    writes_dsn: str, settings: Settings, tokens: Callable[[str], str]
) -> AsyncIterator[Caller]:
    """Like `attacker`, on the attack tests' own database, which they may write to."""
    async with _app(settings, writes_dsn, tokens) as caller:
        yield caller


@pytest.fixture(scope="module")
async def writes_db(writes_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(writes_dsn)
    yield conn
    await conn.close()
