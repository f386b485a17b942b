"""The Postgres the tests run against: embedded by default, or TEST_DATABASE_URL's server."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from gateway.seed import SeedPlan, seed_database
from gateway.store.embedded import start_embedded
from gateway.store.migrations import migrate


@contextmanager
def postgres_server() -> Iterator[str]:
    """A maintenance DSN on a server the tests may create databases on."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    data_dir = Path(tempfile.mkdtemp(prefix="gw-test-"))
    embedded = start_embedded(data_dir, database="postgres")
    try:
        yield embedded.url
    finally:
        embedded.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def with_database(dsn: str, database: str) -> str:
    """The same server and credentials, another database (works for socket DSNs too)."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_database(server_dsn: str, *, template: str | None = None) -> str:
    name = f"gw_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(server_dsn)
    try:
        clause = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{clause}')
    finally:
        await conn.close()
    return name


async def drop_database(server_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(server_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def seeded_database(
    server_dsn: str, plan: SeedPlan, *, now: datetime | None = None
) -> AsyncIterator[str]:
    """A database of its own, migrated and seeded with `plan` (as of `now`); dropped on exit."""
    name = await create_database(server_dsn)
    dsn = with_database(server_dsn, name)
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await migrate(conn)
            await seed_database(conn, plan, now=now)
        finally:
            await conn.close()
        yield dsn
    finally:
        await drop_database(server_dsn, name)
