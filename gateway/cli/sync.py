"""`partner-gateway sync [--full] [--object Opportunity]`: mirror the CRM into the store now."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from gateway.cli.connection import console, fail, load_settings
from gateway.cli.database import database_url
from gateway.config import Settings
from gateway.crm.client import CrmClient
from gateway.crm.mapping import MIRRORED_OBJECTS, CrmMapping, MappingError
from gateway.crm.sync import MirrorSync, ObjectReport
from gateway.store.database import create_pool


class _ProgressBars:
    """A bar per object; its length is the CRM's totalCount (from a run's first page)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def started(self, object_key: str, total: int | None, *, full: bool) -> None:
        label = f"{object_key} ({'full' if full else 'incremental'})"
        task = self._tasks.get(object_key)
        if task is None:
            self._tasks[object_key] = self._progress.add_task(label, total=total)
        else:
            self._progress.update(task, description=label, total=total)

    async def advanced(self, object_key: str, records: int) -> None:
        self._progress.advance(self._tasks[object_key], records)


async def _sync(
    settings: Settings, dsn: str, objects: Sequence[str], full: bool
) -> list[ObjectReport]:
    mapping = CrmMapping.load(settings.crm.mapping_path)
    pool = await create_pool(
        dsn,
        min_size=1,
        max_size=2,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        application_name="partner-gateway-sync",
    )
    try:
        async with CrmClient(settings.crm) as crm:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=False) as progress:
                return await MirrorSync(crm, pool, mapping).run(
                    objects=objects, full=full, progress=_ProgressBars(progress)
                )
    finally:
        await pool.close()


_OBJECT_HELP = f"Only this CRM object (repeat for several): {', '.join(MIRRORED_OBJECTS)}."


def sync_command(
    full: bool = typer.Option(
        False, "--full", help="Re-read every record (and mark what is gone as deleted)."
    ),
    objects: list[str] | None = typer.Option(None, "--object", help=_OBJECT_HELP),
) -> None:
    """Mirror the CRM (CRM_URL) into the store: incremental from each object's cursor."""
    settings, _ = load_settings()
    if not settings.crm.configured:
        raise fail("no CRM is configured: set CRM_URL, CRM_CLIENT_ID and CRM_CLIENT_SECRET", code=2)
    chosen = list(objects or MIRRORED_OBJECTS)
    unknown = [o for o in chosen if o not in MIRRORED_OBJECTS]
    if unknown:
        raise fail(
            f"unknown object {unknown[0]!r}: choose from {', '.join(MIRRORED_OBJECTS)}", code=2
        )
    # The mirror order matters (opportunities read their account's name): keep it.
    ordered = [o for o in MIRRORED_OBJECTS if o in chosen]
    try:
        with database_url(settings, console) as dsn:
            reports = asyncio.run(_sync(settings, dsn, ordered, full))
    except MappingError as exc:
        raise fail(str(exc), code=2) from None
    except asyncpg.UndefinedTableError:
        raise fail(
            "the database schema is out of date; run `partner-gateway migrate` first"
        ) from None
    table = Table("object", "records", "deleted", "mode", "outcome")
    for report in reports:
        if report.error is not None:
            outcome = f"[red]{escape(report.error)}[/red]"
        elif report.skipped is not None:
            outcome = f"[yellow]skipped: {report.skipped}[/yellow]"
        else:
            outcome = "[green]ok[/green]"
        mode = "full" if report.full else "incremental"
        table.add_row(report.object, str(report.records), str(report.deleted), mode, outcome)
    console.print(table)
    if any(report.error is not None for report in reports):
        raise typer.Exit(1)
