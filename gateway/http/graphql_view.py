"""The GraphQL endpoint: builds each request's context (grant, loaders) and answers with orjson.

Over HTTP it speaks GraphQL over HTTP (gateway/http/negotiation.py): the response's media type
follows Accept, and with application/graphql-response+json a request error (parse, validation,
variables, limits, persisted lookup) answers 4xx without `data`.

Websockets (subscriptions, graphql-transport-ws only) reach the view directly, not through
AuthenticatedGraphQL: they authenticate at `connection_init`, in `on_ws_connect`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from gateway.auth.errors import AuthenticationError
from gateway.auth.principal import Principal
from gateway.authz.authorizer import Authorizer
from gateway.config import Settings
from gateway.context import Context
from gateway.errors import (
    BAD_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    UNSUPPORTED_MEDIA_TYPE,
)
from gateway.http.authentication import wants_graphiql
from gateway.http.graphiql import GraphiQLPage
from gateway.http.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    UnsupportedBody,
    check_request_content_type,
    is_request_error,
    negotiate,
    request_error,
)
from gateway.http.request_id import current_request_id
from gateway.loaders.registry import build_loaders
from gateway.persisted.operations import PersistedOperations, PersistedQueryError
from gateway.ratelimit.websocket import RateLimitedTransportWSHandler
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
    # A caller held to the safelist subscribes only to the manifest's operations.
    graphql_transport_ws_handler_class = RateLimitedTransportWSHandler

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
            live=request.app.state.crm.live_reads(pool, grant),
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

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses invalid UTF-8 with a JSONDecodeError (the stdlib raises another error).
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict):
            raise HTTPException(400, "Expected a JSON object")
        return parsed

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(
            data.operation_name, str | None
        ):
            raise HTTPException(400, "The operationName must be a string or null, if provided.")
        return data

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        if isinstance(request_data, GraphQLRequestData):
            # Before the schema sees it, so the limits measure the text that will really run.
            persisted: PersistedOperations = request.app.state.persisted
            request_data.query = await persisted.resolve(
                request_data.query, request_data.extensions, context.principal
            )
        return await super().execute_operation(
            request=request,
            request_adapter=request_adapter,
            request_data=request_data,
            context=context,
            root_value=root_value,
            sub_response=sub_response,
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        if request.state.response_media_type == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # Nothing executed: the spec's 400, and no `data` entry at all (not even null).
            body.pop("data", None)
            request.state.graphql_status = 400
        return body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        response = await self._answer(Request(scope=scope, receive=receive))
        if response is not None:
            await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response | None:
        """The response to one HTTP request, or None when the client left before asking fully."""
        media_type = JSON if wants_graphiql(request) else negotiate(request.headers.get("accept"))
        if media_type is None:
            return request_error(
                JSON,
                406,
                f"None of the media types in Accept can be served; accept "
                f"{GRAPHQL_RESPONSE_JSON} or {JSON}",
                NOT_ACCEPTABLE,
            )
        if request.method == "POST":
            try:
                check_request_content_type(request.headers.get("content-type"))
            except UnsupportedBody as exc:
                return request_error(media_type, 415, str(exc), UNSUPPORTED_MEDIA_TYPE)
        request.state.response_media_type = media_type
        request.state.graphql_status = None  # set by process_result for a request error
        try:
            response = await self.run(request)
        except ClientDisconnect:
            return None  # the caller left before sending its whole request: nobody to answer
        except PersistedQueryError as exc:
            # Older (application/json) clients expect 200 for every well-formed request.
            status = exc.status if media_type == GRAPHQL_RESPONSE_JSON else 200
            return request_error(media_type, status, str(exc), exc.code, exc.extensions)
        except HTTPException as exc:
            # Strawberry answers request-level problems (no query, an unknown operationName, …)
            # in plain text; clients parse JSON, so say it in JSON, with a code.
            if _is_mutation_over_get(exc, request):
                return request_error(
                    media_type,
                    405,
                    "Mutations are not allowed over GET; send them with POST",
                    METHOD_NOT_ALLOWED,
                    headers={"Allow": "POST"},
                )
            return request_error(media_type, exc.status_code, exc.reason, BAD_REQUEST)
        if response.media_type == JSON:  # not GraphiQL's page
            if request.state.graphql_status is not None:
                response.status_code = request.state.graphql_status
            response.headers["content-type"] = f"{media_type}; charset=utf-8"
        return response


def _is_mutation_over_get(exc: HTTPException, request: Request) -> bool:
    cause = exc.__cause__
    return (
        request.method == "GET"
        and isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type == OperationType.MUTATION
    )
