"""The fault tests' own Postgres (stoppable), a small seeded database on it, and tokens."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from gateway.auth.jwt_tokens import mint_token
from gateway.seed import SeedPlan
from gateway.store.identities import fetch_by_email
from tests.faults.postgres import StoppablePostgres
from tests.support.auth import TEST_AUTH
from tests.support.postgres import seeded_database

# acme and globex with a few rows each: the faults are about the server, not the data.
FAULT_PLAN = SeedPlan(partners=2, deals_per_partner=20, leads_per_partner=5, seed=11)
ADMIN = "admin@vendor.example"
REP = "rep@acme.example"


@pytest.fixture(scope="module")
def fault_postgres() -> Iterator[StoppablePostgres]:
    # Not pytest's tmp_path: its folders are private to root, and pg_ctl runs as pgserver's user.
    data_dir = Path(tempfile.mkdtemp(prefix="gw-faults-"))
    server = StoppablePostgres(data_dir)
    try:
        yield server
    finally:
        server.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
async def fault_dsn(fault_postgres: StoppablePostgres) -> AsyncIterator[str]:
    async with seeded_database(fault_postgres.url(), FAULT_PLAN) as dsn:
        yield dsn


async def bearer(dsn: str, email: str) -> dict[str, str]:
    """Headers with a valid token for a seeded person, carrying the role the database gives."""
    conn = await asyncpg.connect(dsn)
    try:
        [account, *_] = await fetch_by_email(conn, email)
    finally:
        await conn.close()
    token = mint_token(TEST_AUTH, email, [account.role], account.partner_slug, timedelta(hours=1))
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
async def admin_headers(fault_dsn: str) -> dict[str, str]:
    return await bearer(fault_dsn, ADMIN)
