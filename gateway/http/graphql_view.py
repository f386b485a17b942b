"""The GraphQL endpoint: builds each request's context (grant, loaders) and answers with orjson."""

from __future__ import annotations

import asyncpg
import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.authz.grant import Grant
from gateway.config import Settings
from gateway.context import Context
from gateway.loaders.registry import build_loaders


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            # Subscriptions are not offered; refusing websockets keeps the surface small.
            subscription_protocols=(),
        )
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)
        pool: asyncpg.Pool = request.app.state.pool
        # Until authentication lands, every caller is the vendor (the server binds to loopback).
        grant = Grant.vendor_wide(subject="local")
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            db=pool,
            grant=grant,
            loaders=build_loaders(pool, grant),
            settings=self.settings,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
