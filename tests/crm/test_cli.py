"""`partner-gateway sync`: refused clearly without a CRM, and a run's table of what it did."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from gateway.cli.main import app
from tests.crm.support import PAGE, crm_ids
from tests.support.auth import TEST_AUTH
from tests.support.crm_sandbox import RunningSandbox


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path), "JWT_SECRET": TEST_AUTH.jwt_secret, "CRM_URL": "",
            **extra}  # fmt: skip


def test_sync_without_a_crm_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sync"], env=_env(tmp_path))
    assert result.exit_code == 2
    assert "no CRM is configured" in result.output


def test_sync_of_an_unknown_object_is_refused(
    tmp_path: Path, sandbox: RunningSandbox, gateway_dsn: str
) -> None:
    env = _env(tmp_path, CRM_URL=sandbox.url, CRM_CLIENT_ID=sandbox.client_id,
               CRM_CLIENT_SECRET=sandbox.client_secret, DATABASE_URL=gateway_dsn)  # fmt: skip
    result = CliRunner().invoke(app, ["sync", "--object", "Contact"], env=env)
    assert result.exit_code == 2
    assert "unknown object 'Contact'" in result.output


@pytest.mark.usefixtures("db")  # an empty mirror
def test_sync_of_one_object_reports_what_it_mirrored(
    tmp_path: Path, sandbox: RunningSandbox, gateway_dsn: str
) -> None:
    env = _env(tmp_path, CRM_URL=sandbox.url, CRM_CLIENT_ID=sandbox.client_id,
               CRM_CLIENT_SECRET=sandbox.client_secret, DATABASE_URL=gateway_dsn,
               CRM_SYNC_PAGE_SIZE=str(PAGE))  # fmt: skip
    result = CliRunner().invoke(app, ["sync", "--object", "Account"], env=env)

    assert result.exit_code == 0, result.output
    expected = len(asyncio.run(crm_ids(sandbox))["Account"])
    assert f"│ Account │ {expected}" in result.output
    assert asyncio.run(_count(gateway_dsn)) == expected


async def _count(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM crm_accounts"))
    finally:
        await conn.close()


async def test_sync_on_an_unmigrated_database_says_to_migrate(
    tmp_path: Path, sandbox: RunningSandbox, empty_dsn: str
) -> None:
    env = _env(tmp_path, CRM_URL=sandbox.url, CRM_CLIENT_ID=sandbox.client_id,
               CRM_CLIENT_SECRET=sandbox.client_secret, DATABASE_URL=empty_dsn)  # fmt: skip
    result = await asyncio.to_thread(CliRunner().invoke, app, ["sync"], env=env)
    assert result.exit_code == 1
    assert "run `partner-gateway migrate` first" in result.output
