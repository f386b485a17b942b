"""`partner-gateway jobs run-once|list`, run as an operator (or cron) would run them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
import typer
from typer.testing import CliRunner, Result

from gateway.cli.jobs import jobs_app
from gateway.jobs.registry import BY_NAME
from tests.jobs.support import overdue_approved_deal


def cli() -> typer.Typer:
    """Registered as gateway/cli/main.py registers it."""
    app = typer.Typer()
    app.add_typer(jobs_app, name="jobs")
    return app


def invoke(dsn: str, tmp_path: Path, *args: str) -> Result:
    env = {"DATABASE_URL": dsn, "DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    return CliRunner().invoke(cli(), ["jobs", *args], env=env)


def on_database(dsn: str, sql: str) -> object:
    async def run() -> object:
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture
def overdue(jobs_dsn: str) -> int:
    async def make() -> int:
        pool = await asyncpg.create_pool(jobs_dsn, min_size=1, max_size=1)
        assert pool is not None
        try:
            return await overdue_approved_deal(pool)
        finally:
            await pool.close()

    return asyncio.run(make())


def test_run_once_runs_a_job_and_prints_what_it_did(
    jobs_dsn: str, tmp_path: Path, overdue: int
) -> None:
    result = invoke(jobs_dsn, tmp_path, "run-once", "--job", "expire_deals")
    assert result.exit_code == 0, result.output
    assert "expire_deals" in result.output and "done" in result.output
    assert "expired 1" in result.output
    status = on_database(jobs_dsn, f"SELECT status FROM deals WHERE id = {overdue}")
    assert status == "EXPIRED"


def test_run_once_says_when_another_instance_has_the_job(
    jobs_dsn: str, tmp_path: Path
) -> None:
    lock_id = BY_NAME["expire_deals"].lock_id

    async def while_locked() -> Result:
        conn = await asyncpg.connect(jobs_dsn)
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_id)
                # The CLI runs its own event loop: give it a thread of its own.
                return await asyncio.to_thread(
                    invoke, jobs_dsn, tmp_path, "run-once", "--job", "expire_deals"
                )
        finally:
            await conn.close()

    result = asyncio.run(while_locked())
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "another instance is running it" in result.output


def test_an_unknown_job_is_a_usage_error(jobs_dsn: str, tmp_path: Path) -> None:
    result = invoke(jobs_dsn, tmp_path, "run-once", "--job", "nope")
    assert result.exit_code == 2
    assert "no job named nope" in result.output


def test_list_shows_lock_ids_and_last_runs(jobs_dsn: str, tmp_path: Path) -> None:
    invoke(jobs_dsn, tmp_path, "run-once", "--job", "expire_deals")
    result = invoke(jobs_dsn, tmp_path, "list")
    assert result.exit_code == 0, result.output
    for job in BY_NAME.values():
        assert job.name in result.output and str(job.lock_id) in result.output
    assert '"outcome":"done"' in result.output


def test_run_once_needs_a_migrated_database(tmp_path: Path, empty_dsn: str) -> None:
    result = invoke(empty_dsn, tmp_path, "run-once", "--job", "expire_deals")
    assert result.exit_code == 1
    assert "partner-gateway migrate" in result.output
