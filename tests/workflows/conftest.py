"""Workflow tests write, so each module gets its own small seeded database and app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.seed import SeedPlan
from tests.support.graphql import GraphQLClient
from tests.support.postgres import seeded_database

WORKFLOW_PLAN = SeedPlan(partners=6, deals_per_partner=20, leads_per_partner=10, seed=11)


@pytest.fixture(scope="module")
async def workflow_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, WORKFLOW_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def db(workflow_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(workflow_dsn, min_size=1, max_size=3)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def workflow_app(workflow_dsn: str, settings: Settings) -> AsyncIterator[GraphQLClient]:
    app = create_app(settings, workflow_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)


@pytest.fixture(scope="module")
def act_as(
    workflow_app: GraphQLClient, tokens: Callable[[str], str]
) -> Callable[[str], GraphQLClient]:
    """A client for a persona (personas have the same e-mails and roles in every seed)."""
    return lambda email: workflow_app.as_({"authorization": f"Bearer {tokens(email)}"})
