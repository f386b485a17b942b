"""`partner-gateway outbox deliver`: one delivery pass of the CRM outbox, for cron or by hand."""

from __future__ import annotations

import asyncio

import asyncpg
import typer
from rich.console import Console

from gateway.cli.connection import console, fail, load_settings
from gateway.cli.database import database_url
from gateway.config import Settings
from gateway.crm.outbox.worker import PassReport, deliver_pass, outbox_client
from gateway.store import outbox as outbox_store
from gateway.store.database import create_pool

outbox_app = typer.Typer(
    help="The CRM outbox: registrations, approvals and closes written back to the CRM.",
    no_args_is_help=True,
    add_completion=False,
)
# The summary is what a script captures: stdout. Progress and errors go to stderr (`console`).
stdout = Console()


async def _deliver(settings: Settings, dsn: str) -> tuple[PassReport, dict[str, int]]:
    pool = await create_pool(
        dsn,
        min_size=1,
        max_size=1,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        application_name="partner-gateway-outbox",
    )
    try:
        async with outbox_client(settings.crm) as crm:
            with console.status("Delivering the CRM outbox …"):
                report = await deliver_pass(pool, crm, settings.outbox)
        return report, await outbox_store.status_counts(pool)
    finally:
        await pool.close()


@outbox_app.command("deliver")
def deliver() -> None:
    """Deliver the due entries once (the server's worker does this every interval).

    Exits 1 when the CRM paused the pass (unavailable, or its API allowance is spent); the
    entries stay pending and are tried again later.
    """
    settings, _ = load_settings()
    if not settings.crm.configured:
        raise fail("no CRM is configured: set CRM_URL, CRM_CLIENT_ID and CRM_CLIENT_SECRET", code=2)
    with database_url(settings, console) as dsn:
        try:
            report, totals = asyncio.run(_deliver(settings, dsn))
        except asyncpg.UndefinedTableError:
            raise fail(
                "the database schema is out of date; run `partner-gateway migrate` first"
            ) from None
    stdout.print(
        f"delivered {report.delivered}, retrying later {report.retried}, "
        f"failed {report.failed}; in the outbox now: {totals['pending']} pending, "
        f"{totals['failed']} failed, {totals['delivered']} delivered",
        highlight=False,
    )
    if report.paused is not None:
        raise fail(f"the pass stopped early: {report.paused}")
