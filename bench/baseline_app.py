"""The limit: a bare Starlette + asyncpg + orjson endpoint answering the benchmark's operations.

For each scenario it runs the statements the gateway runs (bench/baseline_sql.py, identity
lookup included) and returns the same JSON (field names, global ids, nesting); it is what a
hand-written Python endpoint costs. It serves only the operations in `bench/operations/`, picked
by `operationName` (bench/baseline_operations.py), and only the callers the scenarios use, a
vendor admin and a partner rep (bench/baseline_caller.py). Here: HTTP, the pool, the counter.

    DATABASE_URL=... JWT_SECRET=... .venv/bin/python -m bench.baseline_app --port 8001
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import cast

import asyncpg
import orjson
import uvicorn
from asyncpg.connection import LoggedQuery
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.baseline_caller import Refused, authenticate
from bench.baseline_operations import OPERATIONS, Json


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_response(body: Json, status: int = 200) -> Response:
    return Response(orjson.dumps(body, default=_default), status, media_type="application/json")


class StatementLog:
    """Counts statements like the gateway does (the pool's reset left out); can record them."""

    def __init__(self) -> None:
        self.count = 0
        self.recorded: list[Json] | None = None

    def logger_for(self, reset_query: str) -> Callable[[LoggedQuery], None]:
        def log(record: LoggedQuery) -> None:
            if record.query == reset_query:
                return
            self.count += 1
            if self.recorded is not None:
                self.recorded.append({"query": record.query, "args": [str(a) for a in record.args]})

        return log


STATEMENTS = StatementLog()
_WARM_UP = (
    "SELECT NULL::text[], NULL::bigint[], NULL::numeric, NULL::bpchar, NULL::date, "
    "NULL::timestamptz, NULL::jsonb, NULL::smallint, NULL::timestamptz[], NULL::jsonb[]"
)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.fetch(_WARM_UP)  # type codecs looked up before counting starts
    conn.add_query_logger(STATEMENTS.logger_for(conn.get_reset_query()))


# --- HTTP ------------------------------------------------------------------------------------


async def graphql(request: Request) -> Response:
    body = orjson.loads(await request.body())
    handler = OPERATIONS.get(body.get("operationName"))
    if handler is None:
        return json_response({"errors": [{"message": "unknown operation"}]}, 400)
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with pool.acquire() as proxy:
            # One connection for the whole request (the pool's proxy stands for it).
            conn = cast(asyncpg.Connection, proxy)
            caller = await authenticate(conn, request)
            result = await handler(conn, caller, body.get("variables") or {})
    except Refused as refused:
        errors = [{"message": refused.code, "extensions": {"code": refused.code}}]
        return json_response({"errors": errors}, refused.status)
    return json_response(result)


async def metrics(request: Request) -> Response:
    text = f'baseline_sql_statements_total{{source="request"}} {STATEMENTS.count}\n'
    return Response(text, media_type="text/plain")


async def readyz(request: Request) -> Response:
    return json_response({"status": "ready"})


async def record(request: Request) -> Response:
    """POST starts recording statements, GET returns those recorded since and stops."""
    if request.method == "POST":
        STATEMENTS.recorded = []
        return json_response({"recording": True})
    recorded, STATEMENTS.recorded = STATEMENTS.recorded or [], None
    return json_response({"statements": recorded})


def create_app(dsn: str, jwt_secret: str, pool_min: int, pool_max: int) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.jwt_secret = jwt_secret
        app.state.pool = await asyncpg.create_pool(
            dsn,
            min_size=pool_min,
            max_size=pool_max,
            init=_init_connection,
            server_settings={"statement_timeout": "15000", "application_name": "bench-baseline"},
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    routes = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/_bench/statements", record, methods=["GET", "POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description="The benchmark's baseline endpoint.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(
        os.environ["DATABASE_URL"],
        os.environ["JWT_SECRET"],
        int(os.environ.get("DB_POOL_MIN", "2")),
        int(os.environ.get("DB_POOL_MAX", "10")),
    )
    # The same server stack as the gateway: uvicorn picks uvloop and httptools when installed.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
