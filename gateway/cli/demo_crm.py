"""The demo's CRM: without CRM_URL, `partner-gateway demo` serves the sandbox CRM beside the
gateway (its own database on the same Postgres server) and points the mirror at it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from rich.console import Console

from gateway.config import ConfigError, Settings, read_bool, read_int
from gateway.crm_sandbox.app import create_sandbox_app
from gateway.crm_sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PORT,
    SandboxConfig,
)
from gateway.crm_sandbox.tables import ensure_database
from gateway.seed import SeedPlan
from gateway.server_thread import ServerNotStarted, ServerThread

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
    return read_bool(env, "DEMO_CRM_SANDBOX", True)


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
    # Its own uvicorn in a thread: Ctrl-C reaches the gateway's server (the main thread), and
    # stopping the demo stops both.
    sandbox = ServerThread(
        create_sandbox_app(config), host=settings.host, port=port, name="crm-sandbox"
    )
    with console.status(f"Starting the sandbox CRM on port {port} …"):
        try:
            sandbox.start(START_TIMEOUT_SECONDS)
        except ServerNotStarted:
            raise ConfigError(
                f"the sandbox CRM could not serve on {settings.host}:{port} (is the port taken? "
                "set CRM_SANDBOX_PORT, or DEMO_CRM_SANDBOX=false to run without a CRM)"
            ) from None
    crm = dataclasses.replace(
        settings.crm,
        url=sandbox.url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
    )
    try:
        yield dataclasses.replace(settings, crm=crm), DemoCrm(url=sandbox.url, sandbox=True)
    finally:
        sandbox.stop()
