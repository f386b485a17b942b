"""A `python -m gateway sync` process killed with SIGKILL mid-sync: its committed pages and their
cursor agree, and the next run goes on from that cursor with no gap and no duplicate."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg

from gateway.crm.client import CrmClient
from gateway.crm.mapping import CrmMapping
from gateway.crm.sync import MirrorSync
from tests.crm.support import PAGE, crm_ids, one_row, sandbox_settings
from tests.support.auth import TEST_AUTH
from tests.support.crm_sandbox import RunningSandbox


async def _wait_for(
    db: asyncpg.Pool, sql: str, predicate: Callable[[int], bool], attempts: int = 1500
) -> int:
    """Polls `sql` until its value satisfies `predicate` (30 s at most)."""
    for _ in range(attempts):
        value = int(await db.fetchval(sql))
        if predicate(value):
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"never true: {sql}")


async def test_a_sync_killed_mid_run_resumes_from_its_cursor_without_gap_or_duplicate(
    db: asyncpg.Pool,
    gateway_dsn: str,
    sandbox: RunningSandbox,
    tmp_path: Path,
) -> None:
    total = len((await crm_ids(sandbox))["Lead"])
    assert total > 4 * PAGE
    await sandbox.admin.set_faults(latency_ms=150)  # pages slow enough to be killed between
    env = {
        **os.environ,
        "DATABASE_URL": gateway_dsn,
        "DATA_DIR": str(tmp_path),
        "JWT_SECRET": TEST_AUTH.jwt_secret,
        "LOG_LEVEL": "warning",
        "CRM_URL": sandbox.url,
        "CRM_CLIENT_ID": sandbox.client_id,
        "CRM_CLIENT_SECRET": sandbox.client_secret,
        "CRM_SYNC_PAGE_SIZE": str(PAGE),
        "CRM_SYNC_OVERLAP_SECONDS": "0",  # so the resumed run re-reads nothing
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "sync", "--object", "Lead",
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await _wait_for(db, "SELECT count(*) FROM crm_leads", lambda n: n >= 2 * PAGE)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    await _wait_for(
        db,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'partner-gateway-sync'",
        lambda n: n == 0,
    )

    committed = int(await db.fetchval("SELECT count(*) FROM crm_leads"))
    assert committed % PAGE == 0 and committed < total  # whole pages, and not all of them
    # The cursor is the last record of the last committed page, never ahead of the rows.
    cursor = await one_row(
        db, "SELECT cursor_modstamp, cursor_id FROM crm_sync_state WHERE object = 'Lead'"
    )
    last = await one_row(
        db,
        "SELECT system_modstamp, crm_id FROM crm_leads "
        "ORDER BY system_modstamp DESC, crm_id DESC LIMIT 1",
    )
    assert (cursor["cursor_modstamp"], cursor["cursor_id"]) == tuple(last)

    await sandbox.admin.reset_faults()
    async with CrmClient(sandbox_settings(sandbox, sync_overlap_seconds=0)) as crm:
        resumed = await MirrorSync(crm, db, CrmMapping.load()).sync_object("Lead")

    assert resumed.error is None
    assert resumed.records == total - committed  # from the cursor on: nothing twice, no gap
    mirrored = [r["crm_id"] for r in await db.fetch("SELECT crm_id FROM crm_leads")]
    assert len(mirrored) == total
    assert set(mirrored) == (await crm_ids(sandbox))["Lead"]
