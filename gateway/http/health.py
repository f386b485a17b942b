"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: it can serve data)."""

from __future__ import annotations

import logging

import asyncpg
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.store.migrations import MigrationError, pending_migrations

log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with pool.acquire(timeout=2) as conn:
            pending = await pending_migrations(conn)
    except MigrationError as exc:
        return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        log.warning("readiness check failed: %r", exc)
        return JSONResponse(
            {"status": "unavailable", "reason": "database unreachable"}, status_code=503
        )
    if pending:
        names = [f"{m.version:04d}_{m.name}" for m in pending]
        return JSONResponse(
            {"status": "unavailable", "reason": "migrations pending", "pending": names},
            status_code=503,
        )
    return JSONResponse({"status": "ok"})
