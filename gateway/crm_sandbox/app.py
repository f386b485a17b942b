"""`create_sandbox_app(config)`: the sandbox CRM as a Starlette app on its own database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.crm_sandbox.admin import faults_endpoint, stats_endpoint
from gateway.crm_sandbox.config import SandboxConfig
from gateway.crm_sandbox.graphql_endpoint import graphql_endpoint
from gateway.crm_sandbox.guard import crm_endpoint
from gateway.crm_sandbox.responses import not_found, rest_error
from gateway.crm_sandbox.rest import replication_endpoint
from gateway.crm_sandbox.seed import seed_sandbox
from gateway.crm_sandbox.state import Sandbox
from gateway.crm_sandbox.tables import (
    create_pool,
    create_tables,
    lock_schema,
    tables_are_empty,
)
from gateway.crm_sandbox.token_endpoint import token_endpoint

log = logging.getLogger(__name__)
API_VERSION = "v66.0"


async def _not_found(_request: Request, _exc: Exception) -> Response:
    return not_found()


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    header = exc.headers.get("Allow", "") if isinstance(exc, HTTPException) and exc.headers else ""
    # Starlette keeps a route's methods in a set: sorted, the message is the same every run.
    allowed = ", ".join(sorted(m.strip() for m in header.split(",") if m.strip()))
    return rest_error(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
    )


def create_sandbox_app(config: SandboxConfig) -> Starlette:
    sandbox = Sandbox.from_config(config)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        pool = await create_pool(config.database_url, config.pool_size)
        try:
            async with pool.acquire() as pooled:
                conn = cast(asyncpg.Connection, pooled)  # the proxy behaves as its connection
                # One lock for tables and seed: two sandboxes starting on one database must
                # neither race on CREATE nor both seed.
                async with conn.transaction():
                    await lock_schema(conn)
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
    ]
    # Any other path or API version: the REST API's 404 body, not Starlette's plain text.
    handlers = {404: _not_found, 405: _method_not_allowed}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.state.sandbox = sandbox
    return app
