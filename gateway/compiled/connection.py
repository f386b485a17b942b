"""One pooled connection for all the reads of one compiled operation.

Taken from the pool at the operation's first statement and given back at its end, instead of a
connection per statement; given back after row reads only, it skips the pool's reset
(`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`, a round trip: see
store/database.plain_reads). Statements that would have run side by side on two
connections take turns on this one; which statements run, and how many, does not change.

It offers no `acquire`: a query's resolver taking a second connection while its operation holds
one could wait forever on a pool whose connections are all held that way. (None does: queries
read through the store's Executor protocol; a new one would fail loudly in tests/compiled.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from gateway.store.database import plain_reads

log = logging.getLogger(__name__)


class OperationConnection:
    """The store's `Executor` over one connection, one statement at a time."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._connection: PoolConnectionProxy | None = None
        self._turn = asyncio.Lock()
        self._plain = True

    async def _take(self) -> PoolConnectionProxy:
        if self._connection is None:
            self._connection = await self._pool.acquire()
        return self._connection

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        async with self._turn:
            return await (await self._take()).fetch(query, *args)

    async def fetchval(self, query: str, *args: Any, column: int = 0) -> Any:
        async with self._turn:
            return await (await self._take()).fetchval(query, *args, column=column)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        async with self._turn:
            return await (await self._take()).fetchrow(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        self._plain = False  # not a row read: the pool resets the connection as usual
        async with self._turn:
            result: str = await (await self._take()).execute(query, *args)
            return result

    async def release(self) -> None:
        """Never raises. The operation's reads are done and its answer stands; a connection the
        pool cannot reset (the database went away meanwhile) is closed by asyncpg, and raising
        here would turn a complete answer into an uncoded error (seen in tests/faults)."""
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            if self._plain:
                with plain_reads():  # queries' statements: no reset needed (store/database.py)
                    await self._pool.release(connection)
            else:
                await self._pool.release(connection)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            log.warning("a connection could not be given back cleanly and was closed: %r", exc)
