"""A gateway process (`python -m gateway serve`) on the shared seeded database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.auth import TEST_AUTH
from tests.support.browser import free_port


@pytest.fixture
async def live_server(seeded_dsn: str) -> AsyncIterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": seeded_dsn,
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "JWT_SECRET": TEST_AUTH.jwt_secret,
        # The database is shared with other tests: no scheduled job may change it meanwhile.
        "JOBS_INTERVAL_SECONDS": "0",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                if process.returncode is not None:
                    output = (await process.stdout.read()).decode() if process.stdout else ""
                    pytest.fail(f"the server exited early:\n{output}")
                try:
                    if (await http.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the server did not become ready within 10 seconds")
        yield base
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
