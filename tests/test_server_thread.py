"""ServerThread: serves until stopped, and says so at once when it cannot serve."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gateway.server_thread import ServerNotStarted, ServerThread
from tests.support.browser import free_port


def hello_app() -> Starlette:
    return Starlette(routes=[Route("/", lambda request: PlainTextResponse("hello"))])


def test_serves_until_stopped() -> None:
    server = ServerThread(hello_app(), port=free_port())
    server.start(timeout=20)
    try:
        assert httpx.get(server.url).text == "hello"
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)


def test_a_taken_port_is_reported_not_waited_on() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = ServerThread(hello_app(), port=taken.getsockname()[1])
        with pytest.raises(ServerNotStarted, match="nothing served on http://127.0.0.1:"):
            server.start(timeout=20)
