"""`partner-gateway jobs run-once|list`: scheduled work, for cron-style deployments."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import orjson
import typer
from rich.console import Console
from rich.table import Table

from gateway.cli.connection import console, fail, load_settings
from gateway.cli.database import database_url
from gateway.config import Settings
from gateway.jobs.job import Job
from gateway.jobs.registry import JOBS, UnknownJob, select
from gateway.jobs.runner import JobReport, run_job
from gateway.store import job_runs
from gateway.store.database import create_pool

jobs_app = typer.Typer(
    help="Scheduled work: deal expiry, lead SLA recalls, tier recomputation.",
    no_args_is_help=True,
    add_completion=False,
)
# Tables are what a script captures: stdout. Progress and errors go to stderr (`console`).
stdout = Console()
OUT_OF_DATE = "the database schema is out of date; run `partner-gateway migrate` first"
OUTCOME_STYLES = {"done": "green", "skipped": "yellow", "failed": "red"}


async def _run(settings: Settings, dsn: str, jobs: Sequence[Job]) -> list[JobReport]:
    pool = await create_pool(
        dsn,
        min_size=1,
        max_size=1,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        application_name="partner-gateway-jobs",
    )
    reports: list[JobReport] = []
    try:
        with console.status("") as status:
            for job in jobs:
                status.update(f"Running {job.name} …")
                reports.append(await run_job(pool, job, settings))
    finally:
        await pool.close()
    return reports


def _summary(result: dict[str, object]) -> str:
    return ", ".join(f"{key} {value}" for key, value in result.items()) or "-"


@jobs_app.command("run-once")
def run_once(
    job: list[str] | None = typer.Option(
        None, "--job", help="Run only this job (repeat for several); every job by default."
    ),
) -> None:
    """Run the jobs once and print what each did (exit 1 when one failed).

    Safe beside running servers and other cron hosts: a job another instance is running at
    that moment is skipped, and says so.
    """
    settings, _ = load_settings()
    try:
        chosen = select(job)
    except UnknownJob as exc:
        raise fail(str(exc), code=2) from None
    with database_url(settings, console) as dsn:
        try:
            reports = asyncio.run(_run(settings, dsn, chosen))
        except asyncpg.UndefinedTableError:
            raise fail(OUT_OF_DATE) from None
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise fail(f"the database is unavailable: {exc}") from None
    table = Table("job", "outcome", "seconds", "result", title="Scheduled jobs")
    for report in reports:
        style = OUTCOME_STYLES[report.outcome]
        table.add_row(
            report.job,
            f"[{style}]{report.outcome}[/{style}]",
            f"{report.seconds:.2f}",
            report.reason or _summary(report.result),
        )
    stdout.print(table)
    if any(report.outcome == "failed" for report in reports):
        raise typer.Exit(1)


@jobs_app.command("list")
def list_jobs() -> None:
    """Every job with its advisory-lock id and its last run (on any instance)."""
    settings, _ = load_settings()

    async def fetch(dsn: str) -> dict[str, job_runs.LastRun]:
        conn = await asyncpg.connect(dsn)
        try:
            return await job_runs.last_runs(conn)
        finally:
            await conn.close()

    with database_url(settings, console) as dsn:
        try:
            last = asyncio.run(fetch(dsn))
        except asyncpg.UndefinedTableError:
            raise fail(OUT_OF_DATE) from None
    table = Table("job", "lock id", "what it does", "last finished", "last result")
    for registered in JOBS:
        run = last.get(registered.name)
        finished = run.finished_at.isoformat(timespec="seconds") if run and run.finished_at else "-"
        table.add_row(
            registered.name,
            str(registered.lock_id),
            registered.description,
            finished,
            orjson.dumps(run.result).decode() if run else "-",
        )
    stdout.print(table)
