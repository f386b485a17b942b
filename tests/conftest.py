"""Shared fixtures: one seeded database per session, an in-process client, a real server."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.auth.jwt_tokens import mint_token
from gateway.config import Settings
from gateway.seed import SeedPlan
from gateway.store.database import create_pool
from gateway.store.identities import fetch_by_email
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient
from tests.support.postgres import (
    create_database,
    drop_database,
    postgres_server,
    seeded_database,
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
    async with seeded_database(server_dsn, TEST_PLAN) as dsn:
        yield dsn


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
    # No scheduled jobs in the shared test apps: a job changing tiers or expiring deals in the
    # middle of a session would make read tests depend on timing. Jobs have their own tests.
    # No rate limits either: the whole session shares a few personas, and a suite of this size
    # sends some of them more than a minute's budget. tests/ratelimit sets its own budgets.
    return Settings(
        auth=TEST_AUTH,
        jobs_interval_seconds=0,
        rate_limit_per_user=None,
        rate_limit_per_api_key=None,
    )


@pytest.fixture(scope="session")
async def anonymous(seeded_dsn: str, settings: Settings) -> AsyncIterator[GraphQLClient]:
    """The whole ASGI app in-process, its lifespan (and pool) running for the session; no
    credentials (see `as_user` and `client`)."""
    app = create_app(settings, seeded_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)


@pytest.fixture(scope="session")
async def tokens(seeded_dsn: str) -> Callable[[str], str]:
    """A valid bearer token for any seeded person, with the roles the database gives them."""
    conn = await asyncpg.connect(seeded_dsn)
    try:
        people = await conn.fetch(
            "SELECT email FROM vendor_users UNION ALL SELECT email FROM partner_users"
        )
        accounts = {r["email"]: await fetch_by_email(conn, r["email"]) for r in people}
    finally:
        await conn.close()

    def token_for(email: str) -> str:
        account = accounts[email][0]
        return mint_token(
            TEST_AUTH, email, [account.role], account.partner_slug, timedelta(hours=1)
        )

    return token_for


@pytest.fixture(scope="session")
def as_user(
    anonymous: GraphQLClient, tokens: Callable[[str], str]
) -> Callable[[str], GraphQLClient]:
    """`as_user("rep@acme.example")`: a client speaking with that person's token."""
    return lambda email: anonymous.as_({"authorization": f"Bearer {tokens(email)}"})


@pytest.fixture(scope="session")
def client(as_user: Callable[[str], GraphQLClient]) -> GraphQLClient:
    """The vendor admin: sees every row and field, the baseline the others are compared to."""
    return as_user("admin@vendor.example")
