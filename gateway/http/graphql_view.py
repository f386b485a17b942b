"""The GraphQL endpoint: builds each request's context (grant, loaders) and answers with orjson.

Websockets (subscriptions, graphql-transport-ws only) reach the view directly, not through
AuthenticatedGraphQL: they authenticate at `connection_init`, in `on_ws_connect`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import asyncpg
import orjson
import strawberry
from cross_web import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from gateway.auth.errors import AuthenticationError
from gateway.auth.principal import Principal
from gateway.authz.authorizer import Authorizer
from gateway.config import Settings
from gateway.context import Context
from gateway.errors import BAD_REQUEST
from gateway.http.graphiql import GraphiQLPage
from gateway.http.request_id import current_request_id
from gateway.loaders.registry import build_loaders
from gateway.subscriptions.connection import ConnectionContext

log = logging.getLogger(__name__)

# A client that opens a websocket has this long to send its credentials (connection_init).
CONNECTION_INIT_TIMEOUT = timedelta(seconds=10)

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
            # The one protocol offered: no legacy graphql-ws, no subscriptions over HTTP.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
            max_subscriptions_per_connection=settings.subscriptions_max_per_connection,
        )
        self.settings = settings
        self.graphiql = graphiql

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page: assets from the gateway, a strict CSP, example tabs.
        return self.graphiql.render()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, WebSocket):
            return self._connection_context(request)
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

    def _connection_context(self, websocket: WebSocket) -> ConnectionContext:
        """Anonymous until connection_init; one context for all the connection's operations."""
        state = websocket.app.state
        # The connection's audit events share one id, as a request's do.
        current_request_id.set(f"ws-{uuid.uuid4().hex}")
        grant = state.authorizer.grant_for(ANONYMOUS)
        return ConnectionContext(
            request=websocket,
            response=None,
            db=state.pool,
            principal=ANONYMOUS,
            grant=grant,
            loaders=build_loaders(state.pool, grant),
            settings=self.settings,
            audit=state.audit,
            authenticator=state.authenticator,
            authorizer=state.authorizer,
            events=state.events,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """connection_init: the same credentials as over HTTP, or the socket closes with 4403."""
        if not isinstance(context, ConnectionContext):
            raise ConnectionRejectionError()
        try:
            await context.sign_in()
        except AuthenticationError as exc:
            log.info("refused a websocket connection: %s", exc.code)
            raise ConnectionRejectionError() from None
        return await super().on_ws_connect(context)  # a plain connection_ack

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # Strawberry answers request-level problems (no query, an unknown operationName, a
        # mutation over GET, …) in plain text; clients parse JSON, so say it in JSON, with a code.
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except ClientDisconnect:
            return  # the caller left before sending its whole request: nobody to answer
        except HTTPException as exc:
            body = {"errors": [{"message": exc.reason, "extensions": {"code": BAD_REQUEST}}]}
            response = Response(
                orjson.dumps(body), status_code=exc.status_code, media_type="application/json"
            )
        await response(scope, receive, send)
