"""Caps a GraphQL request's body before anything parses it; batched (array) bodies are refused
unless `batch_max_operations` allows them (gateway/http/batching.py).

The body is read here, at most `max_bytes` of it within `body_timeout` seconds (a client
trickling its body a byte at a time is cut off), and handed on to the view unchanged.
"""

from __future__ import annotations

import asyncio
import logging

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import BATCHING_DISABLED, REQUEST_TIMEOUT, REQUEST_TOO_LARGE
from gateway.http.batching import BatchedRequests

log = logging.getLogger(__name__)


def _error(status: int, message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class _TooLarge(Exception):
    pass


class RequestLimits:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        body_timeout: float = 30.0,
        batch_max_operations: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout = body_timeout
        # 0: batching is off, and an array body is refused before anything else happens.
        self.batches = (
            BatchedRequests(app, batch_max_operations) if batch_max_operations > 0 else None
        )

    def too_large(self) -> Response:
        return _error(413, f"The request body is over {self.max_bytes} bytes", REQUEST_TOO_LARGE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large()(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await self._read_body(receive)
        except _TooLarge:
            await self.too_large()(scope, receive, send)
            return
        except TimeoutError:
            log.info("a client took over %ss to send its request body", self.body_timeout)
            late = _error(
                408,
                f"The request body did not arrive within {self.body_timeout:g} seconds",
                REQUEST_TIMEOUT,
            )
            late.headers["connection"] = "close"  # the rest of the body is not worth reading
            await late(scope, receive, send)
            return
        if body is None:
            return  # the client left: nobody to answer
        if body.lstrip()[:1] == b"[":
            if self.batches is not None:
                await self.batches(scope, receive, send, body)
                return
            await _error(
                400,
                "Batched requests are not accepted; send one operation per request",
                BATCHING_DISABLED,
            )(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None when the client disconnected first."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
