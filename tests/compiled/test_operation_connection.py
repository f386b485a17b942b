"""The compiled path's one connection per operation: given back without raising, even when the
pool cannot reset it after the operation's statements ran (the answer is already complete)."""

from __future__ import annotations

import logging

import asyncpg
import pytest

from gateway.compiled.connection import OperationConnection


async def test_release_when_the_reset_fails_does_not_raise(
    empty_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    failures = [ConnectionResetError("the server closed the connection")]

    async def reset(conn: asyncpg.Connection) -> None:
        # As when the database went away after the operation's reads: the first reset fails.
        if failures:
            raise failures.pop()

    pool = await asyncpg.create_pool(empty_dsn, min_size=1, max_size=1, reset=reset)
    try:
        shared = OperationConnection(pool)
        assert await shared.execute("SELECT 1") == "SELECT 1"  # not a plain read: reset due

        with caplog.at_level(logging.WARNING, logger="gateway.compiled.connection"):
            await shared.release()

        assert failures == []  # the reset was tried, and failed
        assert "could not be given back cleanly" in caplog.text
        # The pool replaced the closed connection: the next operation is served.
        assert await pool.fetchval("SELECT 2") == 2
    finally:
        await pool.close()
