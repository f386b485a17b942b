"""The compiled path's one connection per operation: given back without raising, even when the
database dropped it after the operation's statements ran (the answer is already complete)."""

from __future__ import annotations

import logging

import asyncpg
import pytest

from gateway.compiled.connection import OperationConnection
from gateway.store.database import create_pool


async def test_release_after_the_server_dropped_the_connection_does_not_raise(
    empty_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    pool = await create_pool(empty_dsn, min_size=1, max_size=1)
    try:
        shared = OperationConnection(pool)
        assert await shared.execute("SELECT 1") == "SELECT 1"  # not a plain read: reset due
        pid = await shared.fetchval("SELECT pg_backend_pid()")
        killer = await asyncpg.connect(empty_dsn)
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", pid) is True
        finally:
            await killer.close()

        with caplog.at_level(logging.WARNING, logger="gateway.compiled.connection"):
            await shared.release()

        assert "could not be given back cleanly" in caplog.text
        # The pool replaced the dead connection: the next operation is served.
        assert await pool.fetchval("SELECT 2") == 2
    finally:
        await pool.close()
