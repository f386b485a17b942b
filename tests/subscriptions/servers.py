"""`partner-gateway serve` in subprocesses on free ports, and what their /metrics say."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.auth import TEST_AUTH
from tests.support.browser import free_port

STARTUP_SECONDS = 20.0


@dataclass
class LiveServer:
    url: str
    log: Path

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    async def metric(self, name: str, **labels: str) -> float:
        async with httpx.AsyncClient(timeout=5) as http:
            text = (await http.get(f"{self.url}/metrics")).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                wanted = all(sample.labels.get(k) == v for k, v in labels.items())
                if sample.name == name and wanted:
                    return float(sample.value)
        raise LookupError(f"{name}{labels} is not in /metrics")

    async def wait_for_metric(
        self, name: str, value: float, *, seconds: float = 10.0, **labels: str
    ) -> None:
        """Until the metric equals `value`; the server's state is what tests synchronise on."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    if await self.metric(name, **labels) == value:
                        return
                    await asyncio.sleep(0.05)
        except TimeoutError:
            seen = await self.metric(name, **labels)
            raise AssertionError(f"{name}{labels} stayed {seen}, expected {value}") from None

    async def wait_for_subscribers(self, channel: str, count: int) -> None:
        await self.wait_for_metric("gateway_subscribers", count, channel=channel)

    async def wait_until_listening(self) -> None:
        await self.wait_for_metric("gateway_notification_listener_connected", 1)


@asynccontextmanager
async def live_server(dsn: str, log: Path, **env: str) -> AsyncIterator[LiveServer]:
    """A gateway process on `dsn`, ready and LISTENing, stopped (and awaited) on exit."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": dsn,
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "JWT_SECRET": TEST_AUTH.jwt_secret,
        "JOBS_INTERVAL_SECONDS": "0",
        **env,
    }
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve",
            env=environment,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", log)
    try:
        await _until_ready(server, process)
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)


async def _until_ready(server: LiveServer, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(timeout=2) as http:
        try:
            async with asyncio.timeout(STARTUP_SECONDS):
                while True:
                    if process.returncode is not None:
                        raise AssertionError(f"the server exited:\n{server.log.read_text()}")
                    try:
                        if (await http.get(f"{server.url}/readyz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"the server was not ready:\n{server.log.read_text()}") from None
    await server.wait_until_listening()
