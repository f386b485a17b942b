"""The ASGI application: routes, and the database pool opened and closed with the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from gateway.config import Settings
from gateway.http.graphql_view import GraphQLView
from gateway.http.health import healthz, readyz
from gateway.http.metrics_endpoint import metrics
from gateway.schema.schema import build_schema
from gateway.store.database import create_pool


def create_app(settings: Settings, dsn: str) -> Starlette:
    """`dsn` is resolved by the caller: DATABASE_URL, or the embedded server's address."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await create_pool(
            dsn,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    graphql = GraphQLView(build_schema(), settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
