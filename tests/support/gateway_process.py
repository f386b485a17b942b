"""`python -m gateway serve` in its own process on a free port, ready when /readyz says so."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.support.auth import TEST_AUTH
from tests.support.browser import free_port


@dataclass
class GatewayProcess:
    base_url: str
    process: asyncio.subprocess.Process
    # A file, not a pipe: a pipe nobody reads fills up and then blocks the server's logging.
    log: IO[bytes]

    def send_signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def output(self) -> str:
        """What the process has printed so far (stdout and stderr)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


async def _wait_until_ready(gateway: GatewayProcess) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(400):
            if gateway.process.returncode is not None:
                pytest.fail(f"the server exited early:\n{gateway.output()}")
            try:
                if (await http.get(f"{gateway.base_url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    pytest.fail("the server did not become ready within 20 seconds")


@asynccontextmanager
async def gateway_process(
    dsn: str, *, log: Path | None = None, **environment: str
) -> AsyncIterator[GatewayProcess]:
    """The gateway on `dsn`, with the test suite's JWT secret and no scheduled jobs (the
    database may be shared with other tests); `environment` adds or overrides settings. Its
    output goes to `log` when given (kept for the test to read), else to a temporary file."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "JWT_SECRET": TEST_AUTH.jwt_secret,
        "JOBS_INTERVAL_SECONDS": "0",
        **environment,
    }
    with log.open("w+b") if log is not None else tempfile.TemporaryFile() as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve",
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
        gateway = GatewayProcess(f"http://127.0.0.1:{port}", process, output)
        try:
            await _wait_until_ready(gateway)
            yield gateway
        finally:
            if process.returncode is None:
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
