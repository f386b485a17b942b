"""A small graphql-transport-ws client over `websockets`, every wait bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 5.0


class Socket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(orjson.dumps(message).decode())

    async def receive(self, seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), seconds)
        message: dict[str, Any] = orjson.loads(raw)
        return message

    async def init(self, payload: dict[str, Any]) -> None:
        await self.send({"type": "connection_init", "payload": payload})
        assert await self.receive() == {"type": "connection_ack"}

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})

    async def next_payload(self, op_id: str, seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        """The payload of the next `next` message (which must be for `op_id`)."""
        message = await self.receive(seconds)
        assert (message["type"], message.get("id")) == ("next", op_id), message
        payload: dict[str, Any] = message["payload"]
        return payload

    async def silent_for(self, seconds: float) -> None:
        try:
            message = await asyncio.wait_for(self.connection.recv(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected nothing, received {message!r}")

    async def close_code(self, seconds: float = WAIT_SECONDS) -> int | None:
        """How the server closed the socket (waiting for it to do so)."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as closed:
            return None if closed.rcvd is None else closed.rcvd.code


@asynccontextmanager
async def open_socket(url: str, protocol: str = PROTOCOL) -> AsyncIterator[Socket]:
    async with connect(
        url, subprotocols=[Subprotocol(protocol)], open_timeout=WAIT_SECONDS, close_timeout=2
    ) as connection:
        yield Socket(connection)


@asynccontextmanager
async def signed_in(url: str, payload: dict[str, Any]) -> AsyncIterator[Socket]:
    async with open_socket(url) as socket:
        await socket.init(payload)
        yield socket
