"""The pool's reset on release: skipped after plain reads, kept for everything else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from asyncpg.connection import LoggedQuery

from gateway.compiled.connection import OperationConnection
from gateway.store.database import create_pool, plain_reads


@dataclass
class PoolOfOne:
    pool: asyncpg.Pool
    reset: str
    logged: list[str]

    async def sent(self) -> list[str]:
        """Every statement its connection was sent, resets included (the logger reports them
        with `call_soon`: let those callbacks run first)."""
        for _ in range(3):
            await asyncio.sleep(0)
        return self.logged

    async def application_name(self) -> str:
        async with self.pool.acquire() as connection:
            name: str = await connection.fetchval("SHOW application_name")
            return name


@pytest.fixture
async def one(server_dsn: str) -> AsyncIterator[PoolOfOne]:
    pool = await create_pool(server_dsn, min_size=1, max_size=1)
    logged: list[str] = []

    def note(record: LoggedQuery) -> None:
        logged.append(record.query)

    async with pool.acquire() as connection:
        connection.add_query_logger(note)
        reset = connection.get_reset_query()
    found = PoolOfOne(pool, reset, logged)
    (await found.sent()).clear()
    try:
        yield found
    finally:
        await pool.close()


async def test_a_release_resets(one: PoolOfOne) -> None:
    async with one.pool.acquire() as connection:
        await connection.execute("SET application_name = 'changed'")
    assert await one.sent() == ["SET application_name = 'changed'", one.reset]
    assert await one.application_name() == "partner-gateway"


async def test_plain_reads_skip_the_reset(one: PoolOfOne) -> None:
    with plain_reads():
        assert await one.pool.fetchval("SELECT 1") == 1
    assert await one.sent() == ["SELECT 1"]
    # Made visible by a change no plain read makes: it outlives the release.
    with plain_reads():
        async with one.pool.acquire() as connection:
            await connection.execute("SET application_name = 'kept'")
    assert await one.application_name() == "kept"  # (this release is not a plain one)
    assert await one.application_name() == "partner-gateway"


async def test_a_compiled_operations_connection(one: PoolOfOne) -> None:
    reads = OperationConnection(one.pool)
    try:
        assert await reads.fetchval("SELECT 1") == 1
        row = await reads.fetchrow("SELECT 2 AS two")
    finally:
        await reads.release()
    assert row is not None and row["two"] == 2
    assert await one.sent() == ["SELECT 1", "SELECT 2 AS two"]
    # Anything but a row read (`execute`) gets the pool's reset.
    other = OperationConnection(one.pool)
    try:
        await other.execute("SET application_name = 'changed'")
    finally:
        await other.release()
    assert (await one.sent())[-1] == one.reset
    assert await one.application_name() == "partner-gateway"
