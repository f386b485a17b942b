"""The demo's CRM: without CRM_URL, `partner-gateway demo` serves the sandbox CRM beside the
gateway (its own database on the same Postgres server) and points the mirror at it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from rich.console import Console

from gateway.config import ConfigError, Settings, read_int
from gateway.crm_sandbox.app import create_sandbox_app
from gateway.crm_sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PORT,
    SandboxConfig,
)
from gateway.crm_sandbox.tables import ensure_database
from gateway.seed import SeedPlan

# The sandbox's database beside the gateway's: another database, never the gateway's tables.
SANDBOX_DATABASE = "crm_sandbox"
# A sandbox that is not serving after this long will not start (a port taken, a bad database).
START_TIMEOUT_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class DemoCrm:
    """What the banner says about the CRM the demo mirrors from."""

    url: str
    sandbox: bool


def sandbox_wanted(settings: Settings, env: Mapping[str, str]) -> bool:
    """A configured CRM_URL wins; DEMO_CRM_SANDBOX=false runs the demo without any CRM."""
    if settings.crm.configured:
        return False
    raw = (env.get("DEMO_CRM_SANDBOX") or "true").strip().lower()
    if raw not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ConfigError(f"DEMO_CRM_SANDBOX must be true or false, got {raw!r}")
    return raw in {"1", "true", "yes", "on"}


@contextmanager
def demo_crm(
    settings: Settings, dsn: str, plan: SeedPlan, console: Console
) -> Iterator[tuple[Settings, DemoCrm | None]]:
    """Yields the settings the gateway should run with, and the CRM it mirrors (if any)."""
    if settings.crm.configured:
        assert settings.crm.url is not None
        yield settings, DemoCrm(url=settings.crm.url, sandbox=False)
        return
    if not sandbox_wanted(settings, os.environ):
        yield settings, None
        return
    port = read_int(os.environ, "CRM_SANDBOX_PORT", DEFAULT_PORT, minimum=1)
    sandbox_dsn = urlunsplit(urlsplit(dsn)._replace(path=f"/{SANDBOX_DATABASE}"))
    asyncio.run(ensure_database(sandbox_dsn))
    # The same seed plan as the gateway's demo data: the same accounts, leads and opportunities
    # under the same CRM ids, so the first mirror run matches rows instead of adding any.
    config = SandboxConfig(database_url=sandbox_dsn, seed_plan=plan)
    with console.status(f"Starting the sandbox CRM on port {port} …"):
        server, thread = _start(config, settings.host, port)
    url = f"http://{settings.host}:{port}"
    crm = dataclasses.replace(
        settings.crm, url=url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET
    )
    try:
        yield dataclasses.replace(settings, crm=crm), DemoCrm(url=url, sandbox=True)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def _start(config: SandboxConfig, host: str, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """The sandbox's own uvicorn in a thread: Ctrl-C reaches the gateway's server (the main
    thread), and stopping the demo stops both."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_sandbox_app(config),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, name="crm-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError(
                f"the sandbox CRM could not serve on {host}:{port} (is the port taken? "
                "set CRM_SANDBOX_PORT, or DEMO_CRM_SANDBOX=false to run without a CRM)"
            )
        time.sleep(0.05)
    return server, thread
