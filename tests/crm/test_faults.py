"""The sync under the sandbox's faults: 503 bursts, a session expiring mid-sync, the API
allowance running out (the circuit opens and nothing more is sent) and a hanging request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from gateway.crm.client import CrmClient
from gateway.crm.mapping import CrmMapping
from gateway.crm.sync import MirrorSync
from gateway.metrics import REGISTRY
from tests.crm.support import crm_ids, one_row, sandbox_settings
from tests.support.crm_sandbox import RunningSandbox


def crm_requests(outcome: str) -> float:
    return REGISTRY.get_sample_value("gateway_crm_requests_total", {"outcome": outcome}) or 0.0


class AfterPages:
    """A progress listener that runs `actions[n]` once the n-th page (from 1) has committed."""

    def __init__(self, actions: dict[int, Callable[[], Awaitable[object]]]) -> None:
        self._actions = actions
        self.pages = 0

    def started(self, object_key: str, total: int | None, *, full: bool) -> None:
        return None

    async def advanced(self, object_key: str, records: int) -> None:
        self.pages += 1
        action = self._actions.get(self.pages)
        if action is not None:
            await action()


async def mirrored_ids(db: asyncpg.Pool) -> dict[str, set[str]]:
    tables = {"Account": "crm_accounts", "Lead": "crm_leads", "Opportunity": "crm_opportunities"}
    return {
        key: {r["crm_id"] for r in await db.fetch(f"SELECT crm_id FROM {table}")}
        for key, table in tables.items()
    }


async def test_bursts_of_503_are_retried_and_the_mirror_completes(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    before = crm_requests("server_error")
    # Four failures in a row twice (the fifth try of each call succeeds).
    burst = AfterPages({
        1: lambda: sandbox.admin.set_faults(fail_next=4),
        3: lambda: sandbox.admin.set_faults(fail_next=4),
    })  # fmt: skip

    reports = await mirror.run(progress=burst)

    assert [r.error for r in reports] == [None, None, None]
    assert (await sandbox.admin.stats())["faults_error"] == 8
    assert crm_requests("server_error") - before == 8
    assert await mirrored_ids(db) == await crm_ids(sandbox)


async def test_a_burst_longer_than_the_retries_fails_the_run_and_the_next_run_resumes(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    await sandbox.admin.set_faults(fail_next=5)  # five tries, five 503s: the first call fails

    failed = await mirror.run(objects=["Account"])

    assert failed[0].error is not None and "unavailable" in failed[0].error
    status = await one_row(
        db, "SELECT last_error, last_success_at FROM crm_sync_state WHERE object = 'Account'"
    )
    assert "503" in status["last_error"] and status["last_success_at"] is None
    assert [r.error for r in await mirror.run()] == [None, None, None]
    assert await mirrored_ids(db) == await crm_ids(sandbox)


async def test_a_session_expiring_mid_sync_is_refreshed_once(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    expire = AfterPages({2: sandbox.admin.expire_sessions})

    reports = await mirror.run(progress=expire)

    assert [r.error for r in reports] == [None, None, None]
    stats = await sandbox.admin.stats()
    assert (stats["unauthorized"], stats["token"]) == (1, 2)
    assert await mirrored_ids(db) == await crm_ids(sandbox)


async def test_the_allowance_running_out_opens_the_circuit_and_nothing_more_is_sent(
    mirror: MirrorSync, db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    await sandbox.admin.set_faults(api_allowance=1)  # one more call, then 403

    reports = await mirror.run()

    assert "REQUEST_LIMIT_EXCEEDED" in (reports[0].error or "")
    assert all("paused" in (r.error or "") for r in reports[1:])
    stats = await sandbox.admin.stats()
    assert stats["limit_exceeded"] == 1
    assert stats["graphql_requests"] == 2  # the page allowed, the one refused
    # The page that got through is committed, with its cursor.
    committed = await db.fetchval("SELECT count(*) FROM crm_accounts")
    cursor = await db.fetchval("SELECT cursor_id FROM crm_sync_state WHERE object = 'Account'")
    assert committed == 10 and cursor is not None
    # While the circuit is open, another run sends nothing at all.
    await mirror.run()
    assert (await sandbox.admin.stats())["graphql_requests"] == 2


async def test_a_hanging_request_times_out_and_is_retried(
    db: asyncpg.Pool, sandbox: RunningSandbox
) -> None:
    before = crm_requests("timeout")
    settings = sandbox_settings(sandbox, timeout_seconds=0.5)
    await sandbox.admin.set_faults(hang_next=1, hang_seconds=30)
    async with CrmClient(settings) as crm:
        reports = await MirrorSync(crm, db, CrmMapping.load()).run(objects=["Account"])

    assert reports[0].error is None
    assert (await sandbox.admin.stats())["faults_hang"] == 1
    assert crm_requests("timeout") - before == 1
    assert (await mirrored_ids(db))["Account"] == (await crm_ids(sandbox))["Account"]
