"""How fast a full CRM mirror of the demo data runs: records/s of `MirrorSync` against the
sandbox CRM over loopback HTTP, both sides seeded with the demo plan.

    .venv/bin/python -m bench.crm_mirror [--page-size 200 --page-size 2000]

Postgres: BENCH_DATABASE_URL's server, or the embedded one in .data/bench (see database.py). The
gateway's and the sandbox's databases are made for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bench.database import bench_server
from gateway.crm.client import CrmClient
from gateway.crm.mapping import CrmMapping
from gateway.crm.settings import CrmSettings
from gateway.crm.sync import MirrorSync
from gateway.crm_sandbox.app import create_sandbox_app
from gateway.crm_sandbox.config import SandboxConfig
from gateway.seed import SeedPlan, seed_database
from gateway.server_thread import ServerThread
from gateway.store.database import create_pool
from gateway.store.migrations import migrate
from tests.support.browser import free_port

DEMO = SeedPlan()  # what `make demo` seeds: 25 partners, 5,000 deals, 3,000 leads


@asynccontextmanager
async def _database(server: str, name: str) -> AsyncIterator[str]:
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _run(server: str, page_sizes: list[int]) -> None:
    suffix = uuid.uuid4().hex[:8]
    async with (
        _database(server, f"bench_crm_gateway_{suffix}") as gateway_dsn,
        _database(server, f"bench_crm_sandbox_{suffix}") as sandbox_dsn,
    ):
        conn = await asyncpg.connect(gateway_dsn)
        await migrate(conn)
        await seed_database(conn, DEMO)
        await conn.close()
        config = SandboxConfig(database_url=sandbox_dsn, seed_plan=DEMO)
        sandbox = ServerThread(create_sandbox_app(config), port=free_port(), name="crm-sandbox")
        await asyncio.to_thread(sandbox.start)
        pool = await create_pool(gateway_dsn, min_size=1, max_size=2)
        try:
            for size in page_sizes:
                settings = CrmSettings(
                    url=sandbox.url,
                    client_id=config.client_id,
                    client_secret=config.client_secret,
                    sync_page_size=size,
                )
                async with CrmClient(settings) as crm:
                    started = time.perf_counter()
                    reports = await MirrorSync(crm, pool, CrmMapping.load()).run(full=True)
                    seconds = time.perf_counter() - started
                records = sum(r.records for r in reports)
                assert all(r.error is None for r in reports), reports
                detail = ", ".join(f"{r.records:,} {r.object}" for r in reports)
                print(
                    f"page {size:>4}: {records:,} records in {seconds:.2f} s = "
                    f"{records / seconds:,.0f} records/s ({detail})"
                )
        finally:
            await pool.close()
            await asyncio.to_thread(sandbox.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page-size", type=int, action="append", dest="page_sizes")
    args = parser.parse_args()
    with bench_server() as server:
        asyncio.run(_run(server.url("postgres"), args.page_sizes or [200, 2000]))


if __name__ == "__main__":
    main()
