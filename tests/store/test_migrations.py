"""Migrations apply once, in order, are recorded, and refuse an edited history."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from gateway.store.migrations import MigrationError, available_migrations, migrate


async def test_migrate_is_idempotent_and_recorded(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        first = await migrate(conn)
        again = await migrate(conn)
        recorded = await conn.fetch("SELECT version, checksum FROM schema_migrations")
    finally:
        await conn.close()
    assert [m.version for m in first] == [m.version for m in available_migrations()]
    assert again == []
    assert {(r["version"], r["checksum"]) for r in recorded} == {
        (m.version, m.checksum) for m in available_migrations()
    }


async def test_concurrent_migrations_apply_once(empty_dsn: str) -> None:
    conns = [await asyncpg.connect(empty_dsn) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate(c) for c in conns))
    finally:
        for conn in conns:
            await conn.close()
    assert sorted(len(r) for r in results) == [0, 0, len(available_migrations())]


async def test_an_edited_migration_is_refused(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrate(conn)
        await conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        with pytest.raises(MigrationError, match="was changed after it was applied"):
            await migrate(conn)
    finally:
        await conn.close()


async def test_constraints_reject_bad_enumerations(pool: asyncpg.Pool) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await pool.execute(
            "UPDATE deals SET status = 'MAYBE' WHERE id = (SELECT min(id) FROM deals)"
        )


async def test_a_deal_owner_must_belong_to_the_deal_partner(pool: asyncpg.Pool) -> None:
    acme_deal = await pool.fetchval(
        "SELECT min(d.id) FROM deals d JOIN partners p ON p.id = d.partner_id "
        "WHERE p.slug = 'acme'"
    )
    globex_user = await pool.fetchval(
        "SELECT min(u.id) FROM partner_users u JOIN partners p ON p.id = u.partner_id "
        "WHERE p.slug = 'globex'"
    )
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await pool.execute("UPDATE deals SET owner_id = $1 WHERE id = $2", globex_user, acme_deal)
