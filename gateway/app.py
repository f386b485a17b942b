"""The ASGI application: routes, and what lives as long as the server (pool, auth, policy)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from gateway.audit.buffer import AuditBuffer
from gateway.auth.authenticate import Authenticator
from gateway.authz.authorizer import Authorizer
from gateway.authz.universe import POLICY_OBJECTS, schema_fields
from gateway.config import ConfigError, Settings
from gateway.crm.outbox.worker import OutboxWorker
from gateway.crm.runtime import CrmRuntime
from gateway.http.authentication import AuthenticatedGraphQL
from gateway.http.graphiql import ASSETS_PATH, OWN_STATIC_DIR, OWN_STATIC_PATH, GraphiQLPage
from gateway.http.graphql_view import GraphQLView
from gateway.http.health import healthz, readyz
from gateway.http.metrics_endpoint import metrics
from gateway.http.request_id import RequestIdMiddleware
from gateway.http.request_limits import RequestLimits
from gateway.jobs.scheduler import JobScheduler
from gateway.persisted.operations import PersistedOperations, configured_manifest
from gateway.ratelimit.limiter import RateLimiter
from gateway.ratelimit.middleware import RateLimitedGraphQL
from gateway.schema.guard import guarded_fields
from gateway.schema.schema import build_schema
from gateway.store.database import create_pool
from gateway.subscriptions.broker import EventBroker
from gateway.subscriptions.listener import NotificationListener


def create_app(
    settings: Settings, dsn: str, *, graphiql_tokens: dict[str, str] | None = None
) -> Starlette:
    """`dsn` is resolved by the caller: DATABASE_URL, or the embedded server's address.

    `graphiql_tokens` (demo mode only) puts a persona's token into the GraphiQL tabs for them.
    """
    if settings.auth is None:
        raise ConfigError("authentication settings are missing (use Settings.from_env())")
    auth = settings.auth
    schema = build_schema()
    # Loaded before the server starts: a broken policy stops the start with a clear error.
    authorizer = Authorizer(
        settings.policy_dir,
        schema_fields(schema._schema),
        guarded_fields(schema, POLICY_OBJECTS),
    )
    manifest = configured_manifest(settings.persisted)  # a broken safelist stops the start too

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await create_pool(
            dsn,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )
        app.state.authenticator = Authenticator(auth, app.state.pool)
        app.state.authorizer = authorizer
        app.state.audit = AuditBuffer(app.state.pool)
        app.state.audit.start()
        app.state.authenticator.start()
        authorizer.start(interval=settings.policy_poll_seconds)
        app.state.events = EventBroker(settings.subscription_queue_size)
        app.state.rate_limiter = RateLimiter.from_settings(settings)
        app.state.persisted = PersistedOperations.from_settings(settings, manifest)
        listener = NotificationListener(dsn, app.state.events)
        listener.start()
        jobs = JobScheduler(app.state.pool, settings)
        jobs.start()
        # The CRM client (live reads) and the periodic mirror sync; nothing without CRM_URL.
        app.state.crm = CrmRuntime(app.state.pool, settings.crm)
        await app.state.crm.start()
        outbox = OutboxWorker(app.state.pool, settings.crm, settings.outbox)
        outbox.start()
        # What exists now lives as long as the server: kept out of the cycle collector's sight,
        # it is not walked again by every full collection that requests' garbage sets off.
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await app.state.crm.stop()
            await outbox.stop()
            await jobs.stop()
            await listener.stop()
            await authorizer.stop()
            await app.state.authenticator.stop()
            await app.state.audit.stop()
            await app.state.rate_limiter.close()
            await app.state.persisted.close()
            await app.state.pool.close()

    graphiql = GraphiQLPage(demo_tokens=graphiql_tokens or {})
    view = GraphQLView(schema, settings, graphiql)
    routes = [
        # The budget is spent right after authentication, before any GraphQL work.
        Route(
            "/graphql",
            RequestLimits(
                AuthenticatedGraphQL(RateLimitedGraphQL(view)),
                settings.max_request_bytes,
                settings.request_body_timeout_seconds,
                settings.batch_max_operations,
            ),
            methods=["GET", "POST"],
        ),
        # Subscriptions: the socket authenticates at connection_init (see GraphQLView).
        WebSocketRoute("/graphql", view),
        Mount(ASSETS_PATH, StaticFiles(directory=graphiql.assets_dir, check_dir=False)),
        Mount(OWN_STATIC_PATH, StaticFiles(directory=OWN_STATIC_DIR)),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    middleware = [Middleware(RequestIdMiddleware)]
    if settings.cors_allowed_origins:
        # Partner portals on their own origins call the API from the browser.
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_allowed_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-api-key", "x-request-id"],
                expose_headers=["x-request-id"],
                max_age=600,
            )
        )
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
