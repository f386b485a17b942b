"""Writing the generated data set to Postgres: one transaction, bulk COPY, then sequence resets."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import asyncpg

from gateway.seed.generate import generate_dataset
from gateway.seed.plan import SeedPlan
from gateway.seed.progress import seed_progress
from gateway.seed.rows import COLUMNS
from gateway.seed.summary import SeedSummary
from gateway.store.registrations import settle_bulk_registrations

# Tables whose ids the generator assigns; their identity sequences must continue after them.
IDENTITY_TABLES: tuple[str, ...] = (
    "vendor_users",
    "partners",
    "partner_users",
    "courses",
    "deals",
    "leads",
    "enrollments",
    "certifications",
)
# What clear_database empties: everything seeding writes, plus the audit trail. CASCADE also
# empties tables that later migrations hang off these; tiers (reference data) and
# schema_migrations are left alone.
DATA_TABLES: tuple[str, ...] = (*COLUMNS, "audit_events")
# Rows per COPY; small enough that the progress bars move, large enough that COPY stays cheap.
COPY_BATCH = 20_000


class SeedError(Exception):
    """The database cannot be seeded as asked, e.g. because it already holds data."""


async def database_is_empty(conn: asyncpg.Connection) -> bool:
    """True when there are no partners (the state in which seeding is allowed)."""
    has_partners: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM partners)")
    return not has_partners


async def clear_database(conn: asyncpg.Connection) -> None:
    """Remove all data rows and restart the ids; the schema, tiers and migrations stay."""
    await conn.execute(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")


async def seed_database(
    conn: asyncpg.Connection,
    plan: SeedPlan,
    *,
    progress: bool = False,
    now: datetime | None = None,
) -> SeedSummary:
    """Fill an empty database with the plan's demo data, all in one transaction."""
    started = time.perf_counter()
    moment = now if now is not None else datetime.now(UTC)
    # Checked before generating, to fail in milliseconds rather than after seconds of work.
    await _refuse_unless_empty(conn)
    with seed_progress(progress) as bars:
        generating = bars.add_task("generating", total=None)
        # Generation is pure CPU; a thread keeps the caller's event loop responsive meanwhile.
        dataset = await asyncio.to_thread(generate_dataset, plan, moment)
        bars.update(generating, total=1, completed=1)
        tables = dataset.tables()
        tasks = {name: bars.add_task(name, total=len(rows)) for name, rows in tables.items()}
        async with conn.transaction():
            # A second seeder running at the same time waits here, then finds partners and
            # refuses, instead of interleaving its rows with ours.
            await conn.execute("LOCK TABLE partners IN SHARE ROW EXCLUSIVE MODE")
            await _refuse_unless_empty(conn)
            for name, rows in tables.items():
                for offset in range(0, len(rows), COPY_BATCH):
                    batch = rows[offset : offset + COPY_BATCH]
                    await conn.copy_records_to_table(name, records=batch, columns=COLUMNS[name])
                    bars.advance(tasks[name], len(batch))
            # The one-approval rule and conflict records, applied to the generated deals.
            await settle_bulk_registrations(conn)
            for name in IDENTITY_TABLES:
                # Ids were assigned explicitly, so the sequences must be moved past them.
                # (is_called = false with max + 1 also works for an empty table.)
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {name}"
                )
            # Fresh statistics, so the first queries against the demo data get sensible plans.
            await conn.execute(f"ANALYZE {', '.join(tables)}")
    return SeedSummary(
        vendor_users=len(dataset.vendor_users),
        partners=len(dataset.partners),
        partner_users=len(dataset.partner_users),
        courses=len(dataset.courses),
        deals=len(dataset.deals),
        leads=len(dataset.leads),
        lead_declines=len(dataset.lead_declines),
        enrollments=len(dataset.enrollments),
        certifications=len(dataset.certifications),
        elapsed_seconds=time.perf_counter() - started,
    )


async def _refuse_unless_empty(conn: asyncpg.Connection) -> None:
    try:
        partners: int = await conn.fetchval("SELECT count(*) FROM partners")
        if partners:
            raise SeedError(
                f"the database already has {partners} partners; seeding only fills an empty "
                "database (clear it first)"
            )
        # Explicit ids would collide with rows already there, e.g. a hand-made vendor user.
        occupied = [
            name for name in COLUMNS if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {name})")
        ]
    except asyncpg.UndefinedTableError as exc:
        raise SeedError(f"the schema is missing ({exc}); apply the migrations first") from exc
    if occupied:
        raise SeedError(
            f"the database has no partners but already has rows in {', '.join(occupied)}; "
            "seeding only fills an empty database (clear it first)"
        )
