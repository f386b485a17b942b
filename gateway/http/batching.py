"""Batched POST bodies (a JSON array of operations), when BATCH_MAX_OPERATIONS allows them.

Each operation runs as its own sub-request through the same ASGI stack a single request takes
(authentication, rate limit, view), one after the other; the answer is the array of their bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import BAD_REQUEST, BATCH_EMPTY, BATCH_TOO_LARGE
from gateway.http.negotiation import JSON, negotiate, request_error

# Statuses a single request only gets for what every operation of a batch shares (credentials,
# the authentication backend, Accept, Content-Type): met on the batch's first operation, they
# answer for the whole batch, as they would for one request, and the rest is not tried.
SHARED_REFUSALS = frozenset({401, 406, 415, 503})


@dataclass
class _Captured:
    """One sub-request's response, held back from the client."""

    start: Message
    body: bytes

    @property
    def status(self) -> int:
        status: int = self.start["status"]
        return status

    async def send_to(self, send: Send) -> None:
        await send(self.start)
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def _not_an_object(index: int) -> bytes:
    """The slot of an element that is no operation at all: it is not run, nor counted."""
    error = {
        "message": f"Batched operation {index} is not a JSON object",
        "extensions": {"code": BAD_REQUEST},
    }
    return orjson.dumps({"errors": [error]})


class BatchedRequests:
    """Answers an array body: `app` is what a single request's body is handed to."""

    def __init__(self, app: ASGIApp, max_operations: int) -> None:
        self.app = app
        self.max_operations = max_operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        try:
            operations = orjson.loads(body)
        except orjson.JSONDecodeError:
            # Not JSON after all: the single-request path answers it as it answers any
            # malformed body (after authentication, with the negotiated media type).
            await self.app(scope, _replay(body, receive), send)
            return
        media_type = negotiate(Headers(scope=scope).get("accept")) or JSON
        if not operations:
            await request_error(media_type, 400, "The batch holds no operations", BATCH_EMPTY)(
                scope, receive, send
            )
            return
        if len(operations) > self.max_operations:
            await request_error(
                media_type,
                400,
                f"A batch may hold at most {self.max_operations} operations, "
                f"this one holds {len(operations)}",
                BATCH_TOO_LARGE,
                {"max": self.max_operations, "received": len(operations)},
            )(scope, receive, send)
            return
        answers: list[bytes] = []
        any_dispatched = False
        # In order, one at a time: a mutation sees what the operations before it wrote.
        for index, operation in enumerate(operations):
            if not isinstance(operation, dict):
                answers.append(_not_an_object(index))
                continue
            captured = await self._one(scope, receive, operation)
            if captured is None:
                return  # the client left: nobody to answer
            if not any_dispatched and captured.status in SHARED_REFUSALS:
                await captured.send_to(send)
                return
            any_dispatched = True
            answers.append(captured.body)
        await Response(
            b"[" + b",".join(answers) + b"]",
            media_type=f"{media_type}; charset=utf-8",
        )(scope, receive, send)

    async def _one(
        self, scope: Scope, receive: Receive, operation: dict[str, Any]
    ) -> _Captured | None:
        """One operation as a request of its own: the batch's headers, its own body and state."""
        body = orjson.dumps(operation)
        headers = [(name, value) for name, value in scope["headers"] if name != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        sub_scope = {**scope, "headers": headers, "state": dict(scope.get("state", {}))}
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(sub_scope, _replay(body, receive), capture)
        if start is None:
            return None
        return _Captured(start, b"".join(chunks))


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over `body` once, then listens to the client (for disconnects)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
