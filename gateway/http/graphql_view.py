"""The GraphQL endpoint: builds each request's context (grant, loaders) and answers with orjson."""

from __future__ import annotations

import asyncpg
import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.auth.principal import Principal
from gateway.authz.authorizer import Authorizer
from gateway.config import Settings
from gateway.context import Context
from gateway.http.graphiql import GraphiQLPage
from gateway.loaders.registry import build_loaders

# What Strawberry's context holds for the GraphiQL page, the one request without credentials.
ANONYMOUS = Principal(
    subject="anonymous",
    credential="jwt",
    roles=frozenset(),
    partner_id=None,
    partner_slug=None,
    user_id=None,
    vendor_user_id=None,
    managed_partner_ids=frozenset(),
    key_scopes=frozenset(),
    key_id=None,
)


class GraphQLView(GraphQL[Context, None]):
    def __init__(
        self, schema: strawberry.Schema, settings: Settings, graphiql: GraphiQLPage
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            # Subscriptions are not offered; refusing websockets keeps the surface small.
            subscription_protocols=(),
        )
        self.settings = settings
        self.graphiql = graphiql

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page: assets from the gateway, a strict CSP, example tabs.
        return self.graphiql.render()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)
        pool: asyncpg.Pool = request.app.state.pool
        authorizer: Authorizer = request.app.state.authorizer
        # AuthenticatedGraphQL put it there. Only the GraphiQL page comes without one, and
        # Strawberry builds a context for it too: an anonymous caller that may read nothing.
        principal: Principal = getattr(request.state, "principal", ANONYMOUS)
        grant = authorizer.grant_for(principal)
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            db=pool,
            principal=principal,
            grant=grant,
            loaders=build_loaders(pool, grant),
            settings=self.settings,
            audit=request.app.state.audit,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
