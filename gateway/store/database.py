"""The connection pool, with every statement counted through asyncpg's query logger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

import asyncpg
from asyncpg.connection import LoggedQuery

from gateway.metrics import SQL_ERRORS, SQL_STATEMENTS


class Executor(Protocol):
    """What store functions need: a pool or a single connection both qualify."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    async def fetchval(
        self, query: str, *args: Any, column: int = 0
    ) -> Any: ...

    async def fetchrow(self, query: str, *args: Any) -> Any: ...

    async def execute(self, query: str, *args: Any) -> str: ...


# Background tasks set "background", so the per-request count stays exact while they run.
# (asyncpg reports a statement with loop.call_soon from the task that ran it, and call_soon
# carries that task's context along.)
statement_source: ContextVar[str] = ContextVar("statement_source", default="request")


def mark_background() -> None:
    """Call at the top of a background task: its statements are not any request's."""
    statement_source.set("background")


# The database is away (stopped, restarting, unreachable, out of connections) rather than the
# statement being wrong: the caller may retry later. A cancelled statement (QueryCanceledError,
# also an operator-intervention error) is a timeout, not this.
_UNAVAILABLE = (
    OSError,  # refused, reset, no socket file
    TimeoutError,  # no connection within CONNECT_TIMEOUT_SECONDS
    asyncpg.InterfaceError,  # the pool is closing, a connection is closed
    asyncpg.PostgresConnectionError,  # class 08: the connection was lost mid-statement
    asyncpg.AdminShutdownError,  # the server is shutting down
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,  # the server is starting up
    asyncpg.TooManyConnectionsError,
    # A statement sent on a connection the server is terminating at that moment: asyncpg's
    # protocol refuses the state change ("another operation is in progress"). Seen in
    # tests/faults when Postgres stops under load.
    asyncpg.InternalClientError,
)


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached now, not that the query is bad."""
    return isinstance(exc, _UNAVAILABLE)


class StatementCounter:
    """Counts statements a connection sends, leaving out the pool's own reset on release.

    The reset (`RESET ALL; ...`) runs after every use of a pooled connection; counting it would
    make the per-request count depend on how many connections the pool handed out.
    """

    def __init__(self, reset_query: str) -> None:
        self._reset_query = reset_query

    def __call__(self, record: LoggedQuery) -> None:
        if record.query == self._reset_query:
            return
        SQL_STATEMENTS.labels(source=statement_source.get()).inc()
        if record.exception is not None:
            SQL_ERRORS.inc()


# asyncpg looks up the codecs of non-builtin types (arrays among them) the first time a
# connection meets them, with a few statements of its own. Meeting them all here, before the
# logger is attached, keeps those one-off lookups out of the per-request statement count.
_WARM_UP = (
    "SELECT NULL::text[], NULL::bigint[], NULL::numeric, NULL::bpchar, NULL::date, "
    "NULL::timestamptz, NULL::jsonb, NULL::smallint, NULL::jsonb[], NULL::timestamptz[], "
    "NULL::numeric[], NULL::boolean[], NULL::smallint[], NULL::date[]"
)


# Set while a connection that ran plain reads goes back to the pool (asyncpg resets it inside
# `release`, in the releasing task). Such a session changed nothing the pool's reset undoes
# (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`: no session lock, cursor, LISTEN
# or SET), so that round trip is skipped; asyncpg still rolls back an open transaction first.
_plain_reads: ContextVar[bool] = ContextVar("plain_reads", default=False)


@contextmanager
def plain_reads() -> Iterator[None]:
    """Around the use (and release) of pooled connections that only read rows."""
    token = _plain_reads.set(True)
    try:
        yield
    finally:
        _plain_reads.reset(token)


async def _reset_unless_plain_reads(conn: asyncpg.Connection) -> None:
    if _plain_reads.get():
        return
    query = conn.get_reset_query()
    if query:
        await conn.execute(query)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.fetch(_WARM_UP)
    conn.add_query_logger(StatementCounter(conn.get_reset_query()))


# asyncpg's default is a minute: a request would wait that long on a database that has gone
# silent (a dead host, a dropped route); a refused connection fails at once anyway.
CONNECT_TIMEOUT_SECONDS = 5.0


async def create_pool(
    dsn: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    statement_timeout_ms: int = 15_000,
    application_name: str = "partner-gateway",
) -> asyncpg.Pool:
    """A pool whose connections time out runaway statements and count every statement."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_reset_unless_plain_reads,
        timeout=CONNECT_TIMEOUT_SECONDS,
        server_settings={
            "statement_timeout": str(statement_timeout_ms),
            "application_name": application_name,
        },
    )
    assert pool is not None  # asyncpg types create_pool as Optional for its await-less form
    return pool
