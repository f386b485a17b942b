"""Slow clients: headers or a body trickled a byte at a time (slowloris), or nothing sent at
all, are cut off by the server, and other clients are served meanwhile."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.gateway_process import GatewayProcess, gateway_process

QUERY = "{ deals(first: 2) { totalCount } }"
HEADER_TIMEOUT = 2
BODY_TIMEOUT = 2
# How long the slow client would go on: far past the server's deadlines, so if the answer comes
# before the last byte was sent, it was the server that ended the request.
TRICKLE_SECONDS = 0.25
TRICKLE_BYTES = 60


@pytest.fixture(scope="module")
async def gateway(fault_dsn: str) -> AsyncIterator[GatewayProcess]:
    async with gateway_process(
        fault_dsn,
        REQUEST_HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT),
        REQUEST_BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
    ) as process:
        yield process


class SlowClient:
    """A raw connection that sends its request a byte at a time until the server answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.sent = 0

    @classmethod
    async def open(cls, base_url: str) -> SlowClient:
        url = urlsplit(base_url)
        assert url.hostname is not None and url.port is not None
        return cls(*await asyncio.open_connection(url.hostname, url.port))

    async def trickle(self, data: bytes) -> bytes:
        """Sends `data` slowly; returns everything the server said before closing."""
        answer = asyncio.create_task(self.reader.read())
        try:
            for byte in data:
                if answer.done():
                    break
                self.writer.write(bytes([byte]))
                try:
                    await self.writer.drain()
                except ConnectionError:
                    break
                self.sent += 1
                await asyncio.wait([answer], timeout=TRICKLE_SECONDS)
            # All sent and still no answer: the server held on (the callers' asserts fail).
            return await asyncio.wait_for(answer, timeout=HEADER_TIMEOUT + BODY_TIMEOUT + 5)
        finally:
            self.writer.close()


def _served(base_url: str, headers: dict[str, str]) -> asyncio.Task[httpx.Response]:
    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            return await http.post("/graphql", json={"query": QUERY}, headers=headers)

    return asyncio.create_task(ask())


async def test_headers_sent_a_byte_at_a_time_are_cut_off(
    gateway: GatewayProcess, admin_headers: dict[str, str]
) -> None:
    slow = [await SlowClient.open(gateway.base_url) for _ in range(5)]
    headers = b"POST /graphql HTTP/1.1\r\nhost: gateway\r\nx-slow: " + b"a" * TRICKLE_BYTES
    trickling = [asyncio.create_task(client.trickle(headers)) for client in slow]
    # Others are served while the slow ones hold their connections.
    other = await _served(gateway.base_url, admin_headers)
    assert other.status_code == 200
    assert other.json()["data"]["deals"]["totalCount"] == 40
    answers = await asyncio.gather(*trickling)
    for client, answer in zip(slow, answers, strict=True):
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert client.sent < len(headers)


async def test_a_connection_that_sends_nothing_is_closed(gateway: GatewayProcess) -> None:
    client = await SlowClient.open(gateway.base_url)
    answer = await client.trickle(b"")  # sends nothing, waits for the server to give up
    assert answer.startswith(b"HTTP/1.1 408 "), answer


async def test_a_body_sent_a_byte_at_a_time_is_cut_off(
    gateway: GatewayProcess, admin_headers: dict[str, str]
) -> None:
    body = json.dumps({"query": QUERY + " " * TRICKLE_BYTES}).encode()
    head = (
        "POST /graphql HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n"
        f"authorization: {admin_headers['authorization']}\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    client = await SlowClient.open(gateway.base_url)
    client.writer.write(head)
    trickling = asyncio.create_task(client.trickle(body))
    other = await _served(gateway.base_url, admin_headers)
    assert other.status_code == 200
    answer = await trickling
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 408 Request Timeout", answer
    [error] = json.loads(rest.partition(b"\r\n\r\n")[2])["errors"]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert client.sent < len(body)
