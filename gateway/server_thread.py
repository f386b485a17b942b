"""uvicorn serving an app in a thread of its own (with its own event loop): the demo's sandbox CRM
beside the gateway, and the tests and benchmarks that need a real server beside their own loop."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp


class ServerNotStarted(RuntimeError):
    """The server did not serve in time, or its thread ended first (a port taken, a failed
    lifespan start-up)."""


class ServerThread:
    """`start()` returns once the server accepts connections; `stop()` lets it shut down. Both
    block: from async code, call them through `asyncio.to_thread`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        port: int,
        host: str = "127.0.0.1",
        name: str = "server",
        log_level: str = "warning",
    ) -> None:
        self.url = f"http://{host}:{port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                log_level=log_level,
                access_log=False,
                lifespan="on",
            )
        )
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self._server.run()
        except SystemExit:
            # uvicorn exits when it cannot bind (it has logged why); start() reports it, and a
            # traceback of the thread would only repeat it.
            pass

    def start(self, timeout: float = 30.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerNotStarted(f"nothing served on {self.url}")
            time.sleep(0.05)

    def stop(self, timeout: float = 20.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
