"""Real servers in threads and Debian's Chromium, for the tests that drive a browser."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.types import ASGIApp

from gateway.server_thread import ServerThread

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's notes advise: without the background-networking switches Chromium tries to
# reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; CI installs it)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def app_in_thread(app: ASGIApp) -> Iterator[str]:
    """uvicorn serving `app` on a free port in a thread; its base URL."""
    server = ServerThread(app, port=free_port())
    server.start(timeout=20)
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def files_in_thread(directory: Path) -> Iterator[str]:
    """A static file server for `directory` (another origin than the gateway's)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
