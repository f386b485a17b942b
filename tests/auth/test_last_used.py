"""Last use of API keys: noted in memory per request, written in one statement per flush."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg

from gateway.auth.api_keys import issue_api_key
from gateway.auth.authenticate import Authenticator
from gateway.auth.last_used import LastUsedRecorder
from gateway.auth.settings import AuthSettings
from tests.auth.support import StatementLog


async def new_key(db: asyncpg.Pool | asyncpg.Connection) -> tuple[str, str]:
    issued = await issue_api_key(
        db,
        name="last-used test",
        partner_slug="acme",
        scopes={"read"},
        role="partner_system",
        expires_at=None,
        created_by="tests",
    )
    return issued.record.key_id, issued.key


async def last_used(db: asyncpg.Pool | asyncpg.Connection, key_id: str) -> datetime | None:
    moment: datetime | None = await db.fetchval(
        "SELECT last_used_at FROM api_keys WHERE key_id = $1", key_id
    )
    return moment


async def test_requests_write_nothing_until_one_batched_flush(
    auth_settings: AuthSettings, conn: asyncpg.Connection
) -> None:
    (first_id, first), (second_id, second) = await new_key(conn), await new_key(conn)
    authenticator = Authenticator(auth_settings, conn)
    log = StatementLog(conn)
    for key in (first, second, first):
        await authenticator.authenticate({"x-api-key": key})
    lookups = await log.settled()
    assert len(lookups) == 3
    assert not any("UPDATE" in query for query in lookups)
    assert await last_used(conn, first_id) is None

    pending = authenticator.last_used.pending
    assert set(pending) == {first_id, second_id}
    # asyncpg looks up the array types' codecs once per connection; keep that out of the count.
    await conn.fetch("SELECT NULL::text[], NULL::timestamptz[]")
    before = len(await log.settled())
    assert await authenticator.last_used.flush() == 2
    assert len(await log.settled()) - before == 1  # both keys in one statement
    assert await authenticator.last_used.flush() == 0  # nothing pending: no statement at all
    assert len(await log.settled()) - before == 1
    assert await last_used(conn, first_id) == pending[first_id]
    assert await last_used(conn, second_id) == pending[second_id]


async def test_an_older_time_never_overwrites_a_newer_one(conn: asyncpg.Connection) -> None:
    key_id, _ = await new_key(conn)
    recorder = LastUsedRecorder(conn, 60)
    newer = datetime(2030, 1, 2, tzinfo=UTC)
    recorder.note(key_id, newer)
    recorder.note(key_id, datetime(2030, 1, 1, tzinfo=UTC))
    await recorder.flush()
    recorder.note(key_id, datetime(2029, 1, 1, tzinfo=UTC))
    await recorder.flush()
    assert await last_used(conn, key_id) == newer


async def test_the_background_task_flushes_and_stop_flushes_the_rest(
    auth_db: asyncpg.Pool,
) -> None:
    early_id, _ = await new_key(auth_db)
    late_id, _ = await new_key(auth_db)
    recorder = LastUsedRecorder(auth_db, 0.05)
    recorder.start()
    try:
        recorder.note(early_id, datetime.now(UTC))
        for _ in range(100):
            if await last_used(auth_db, early_id) is not None:
                break
            await asyncio.sleep(0.02)
        assert await last_used(auth_db, early_id) is not None
    finally:
        recorder.note(late_id, datetime.now(UTC))
        await recorder.stop()
    assert await last_used(auth_db, late_id) is not None


async def test_a_failed_flush_keeps_the_times_for_the_next(auth_dsn: str) -> None:
    conn = await asyncpg.connect(auth_dsn)
    recorder = LastUsedRecorder(conn, 60)
    moment = datetime.now(UTC)
    recorder.note("0123456789ab", moment)
    await conn.close()
    try:
        await recorder.flush()
    except asyncpg.InterfaceError:
        pass
    else:
        raise AssertionError("a flush on a closed connection should fail")
    assert recorder.pending == {"0123456789ab": moment}
