"""`partner-gateway serve` in subprocesses on free ports, and what their /metrics say."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.gateway_process import gateway_process


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
    async with gateway_process(dsn, log=log, **env) as gateway:
        server = LiveServer(gateway.base_url, log)
        await server.wait_until_listening()
        yield server
