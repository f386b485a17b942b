"""The benchmark's own database: a pristine copy of a seeded template, made afresh for each run.

The template (`partner_gateway_bench_template`) is migrated on every run and seeded once with the
benchmark plan; it is reused while it holds that plan. Each run then works on a new copy of it
(`partner_gateway_bench`, CREATE DATABASE ... TEMPLATE), so what scenario D registers in one run
never changes what the next run reads, nor the planner's statistics.

`BENCH_DATABASE_URL` names a Postgres server (any database on it: the harness connects there to
create its own two); the role needs CREATEDB. Unset, an embedded Postgres lives in
`.data/bench/pg`, apart from the demo's `.data/pg`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from gateway.seed import SeedPlan, clear_database, seed_database
from gateway.store.embedded import start_embedded
from gateway.store.migrations import MigrationError, migrate

BENCH_DATA_DIR = Path(".data/bench")
TEMPLATE = "partner_gateway_bench_template"
DATABASE = "partner_gateway_bench"
PLAN = SeedPlan(partners=200, deals_per_partner=500, leads_per_partner=120, seed=42)

_MARKER_DDL = """
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.seeded (
    plan       jsonb       NOT NULL,
    seeded_at  timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Server:
    """A Postgres server the harness may create databases on; `url(name)` addresses one."""

    admin_url: str
    embedded: bool

    def url(self, database: str) -> str:
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{database}"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_dead_handles(pgdata: Path) -> None:
    """The embedded server stops when its last user lets go; pgserver keeps its users' pids in
    a file, and a harness killed outright (SIGKILL) would stay in it, keeping the server up for
    good. Dead pids are dropped before joining."""
    path = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


@contextmanager
def bench_server() -> Iterator[Server]:
    """BENCH_DATABASE_URL's server, or the embedded one (stopped on exit if we started it)."""
    given = os.environ.get("BENCH_DATABASE_URL") or None
    if given is not None:
        yield Server(given, embedded=False)
        return
    _forget_dead_handles(BENCH_DATA_DIR / "pg")
    embedded = start_embedded(BENCH_DATA_DIR, database="postgres")
    try:
        yield Server(embedded.url, embedded=True)
    finally:
        embedded.close()


async def _exists(admin: asyncpg.Connection, database: str) -> bool:
    found: bool = await admin.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database
    )
    return found


async def _holds_plan(conn: asyncpg.Connection) -> bool:
    await conn.execute(_MARKER_DDL)
    stored = await conn.fetchval("SELECT plan FROM bench.seeded ORDER BY seeded_at DESC LIMIT 1")
    return stored is not None and json.loads(stored) == asdict(PLAN)


async def _prepare_template(server: Server, log: list[str]) -> None:
    conn = await asyncpg.connect(server.url(TEMPLATE))
    try:
        try:
            await migrate(conn)
        except MigrationError as exc:
            # Our own database only: its history cannot go on, so it starts from nothing.
            log.append(f"template's migration history unusable ({exc}); rebuilding it")
            await conn.execute(
                "DROP SCHEMA IF EXISTS bench CASCADE; DROP SCHEMA public CASCADE; "
                "CREATE SCHEMA public"
            )
            await migrate(conn)
        if await _holds_plan(conn):
            log.append("template database holds the plan; reusing it")
            return
        started = time.perf_counter()
        await clear_database(conn)
        await conn.execute("TRUNCATE bench.seeded")
        summary = await seed_database(conn, PLAN)
        await conn.execute("INSERT INTO bench.seeded (plan) VALUES ($1)", json.dumps(asdict(PLAN)))
        log.append(
            f"seeded the template: {summary.partners} partners, {summary.deals} deals "
            f"in {time.perf_counter() - started:.1f}s"
        )
    finally:
        await conn.close()


async def prepare(server: Server, log: list[str]) -> str:
    """Migrate (and seed once) the template, copy it afresh; the copy's DSN."""
    admin = await asyncpg.connect(server.admin_url)
    try:
        if not await _exists(admin, TEMPLATE):
            await admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
        await _prepare_template(server, log)
        started = time.perf_counter()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        try:
            # A file copy: much faster than the WAL-logged default for a database this size.
            await admin.execute(
                f'CREATE DATABASE "{DATABASE}" TEMPLATE "{TEMPLATE}" STRATEGY FILE_COPY'
            )
        except asyncpg.SyntaxOrAccessError:  # before Postgres 15: no STRATEGY
            await admin.execute(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{TEMPLATE}"')
        log.append(f"fresh copy of the template in {time.perf_counter() - started:.1f}s")
    finally:
        await admin.close()
    return server.url(DATABASE)
