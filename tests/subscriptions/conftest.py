"""Two gateway processes on one small seeded database, and a connection to change it with."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import pytest

from gateway.auth.jwt_tokens import mint_token
from gateway.seed import SeedPlan
from gateway.store.notifications import LEAD_ASSIGNED
from tests.subscriptions.servers import LiveServer, live_server
from tests.support.auth import TEST_AUTH
from tests.support.postgres import seeded_database

SUBSCRIPTIONS_PLAN = SeedPlan(partners=4, deals_per_partner=10, leads_per_partner=10, seed=13)
# Small, so the cap is quick to reach in a test.
MAX_PER_CONNECTION = 3


@pytest.fixture(scope="module")
async def subscriptions_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, SUBSCRIPTIONS_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def db(subscriptions_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(subscriptions_dsn, min_size=1, max_size=3)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def gateway_a(
    subscriptions_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    log = tmp_path_factory.mktemp("gateway-a") / "server.log"
    env = {"SUBSCRIPTIONS_MAX_PER_CONNECTION": str(MAX_PER_CONNECTION)}
    async with live_server(subscriptions_dsn, log, **env) as server:
        yield server


@pytest.fixture(scope="module")
async def gateway_b(
    subscriptions_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """A second instance on the same database: what it commits, A's subscribers must hear."""
    log = tmp_path_factory.mktemp("gateway-b") / "server.log"
    async with live_server(subscriptions_dsn, log) as server:
        yield server


@pytest.fixture(scope="session")
def bearer(tokens: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    """connection_init payload for a persona."""
    return lambda email: {"Authorization": f"Bearer {tokens(email)}"}


def expired_token(email: str, role: str, partner: str | None) -> str:
    return mint_token(TEST_AUTH, email, [role], partner, timedelta(seconds=-120))


@dataclass(frozen=True)
class People:
    partner_ids: dict[str, int]
    user_ids: dict[str, int]


@pytest.fixture(scope="module")
async def people(db: asyncpg.Pool) -> People:
    partners = await db.fetch("SELECT id, slug FROM partners")
    users = await db.fetch("SELECT id, email FROM partner_users")
    return People(
        {r["slug"]: r["id"] for r in partners}, {r["email"]: r["id"] for r in users}
    )


async def assign_lead(
    db: asyncpg.Pool,
    lead_id: int,
    partner_id: int,
    user_id: int | None,
    *,
    announced_partner_id: int | None = None,
) -> None:
    """What the lead workflow does: assign, and announce it in the same transaction.

    `announced_partner_id` sends a notification that names another partner than the one the
    lead went to, as a stale or forged event would.
    """
    payload: dict[str, Any] = {
        "leadId": lead_id,
        "partnerId": announced_partner_id or partner_id,
        "assignedUserId": user_id,
        "slaDeadline": None,
    }
    async with db.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE leads SET status = 'ASSIGNED', assigned_partner_id = $2, "
            "assigned_user_id = $3, assigned_at = now(), "
            "sla_deadline = now() + interval '48 hours' WHERE id = $1",
            lead_id,
            partner_id,
            user_id,
        )
        await conn.execute(
            "SELECT pg_notify($1, $2)", LEAD_ASSIGNED, orjson.dumps(payload).decode()
        )


async def some_leads(db: asyncpg.Pool, count: int, offset: int) -> list[int]:
    """Lead ids to (re)assign; any lead will do, each test takes its own."""
    rows = await db.fetch("SELECT id FROM leads ORDER BY id LIMIT $1 OFFSET $2", count, offset)
    return [r["id"] for r in rows]
