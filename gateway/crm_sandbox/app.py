"""`create_sandbox_app(config)`: the sandbox CRM as a Starlette app on its own database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.crm_sandbox.admin import faults_endpoint, stats_endpoint
from gateway.crm_sandbox.config import SandboxConfig
from gateway.crm_sandbox.graphql_endpoint import graphql_endpoint
from gateway.crm_sandbox.guard import crm_endpoint
from gateway.crm_sandbox.responses import not_found
from gateway.crm_sandbox.rest import replication_endpoint
from gateway.crm_sandbox.seed import seed_sandbox
from gateway.crm_sandbox.state import Sandbox
from gateway.crm_sandbox.tables import create_pool, create_tables, tables_are_empty
from gateway.crm_sandbox.token_endpoint import token_endpoint

log = logging.getLogger(__name__)
API_VERSION = "v66.0"
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


async def _not_found(_request: Request) -> Response:
    return not_found()


def create_sandbox_app(config: SandboxConfig) -> Starlette:
    sandbox = Sandbox.from_config(config)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        pool = await create_pool(config.database_url, config.pool_size)
        try:
            async with pool.acquire() as pooled:
                conn = cast(asyncpg.Connection, pooled)  # the proxy behaves as its connection
                await create_tables(conn)
                if config.seed_plan is not None and await tables_are_empty(conn):
                    counts = await seed_sandbox(conn, config.seed_plan, config.seed_now)
                    log.info("sandbox CRM seeded: %s", counts)
            sandbox.pool = pool
            yield
        finally:
            sandbox.pool = None
            await pool.close()

    data = f"/services/data/{API_VERSION}"
    routes = [
        Route(
            "/services/oauth2/token",
            crm_endpoint(token_endpoint, needs_session=False),
            methods=["POST"],
        ),
        Route(f"{data}/graphql", crm_endpoint(graphql_endpoint), methods=["POST"]),
        Route(
            f"{data}/sobjects/{{object}}/{{kind}}/",
            crm_endpoint(replication_endpoint),
            methods=["GET"],
        ),
        Route(
            f"{data}/sobjects/{{object}}/{{kind}}",
            crm_endpoint(replication_endpoint),
            methods=["GET"],
        ),
        Route("/__sandbox/faults", faults_endpoint, methods=["GET", "POST"]),
        Route("/__sandbox/stats", stats_endpoint, methods=["GET"]),
        Route("/__sandbox/stats/reset", stats_endpoint, methods=["POST"]),
        Route("/{path:path}", _not_found, methods=ANY_METHOD),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    return app
