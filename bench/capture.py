"""The SQL the gateway runs for each scenario, captured in-process with asyncpg's query logger.

Runs the real application (`create_app`, its lifespan, its pool) in this process against the
benchmark database, sends each scenario's request once through the ASGI interface, and records
every statement the request sent (the pool's own reset left out, as the gateway's counter does).
Prints JSON: per scenario the statements (text and arguments) and the response.

    DATABASE_URL=... JWT_SECRET=... .venv/bin/python -m bench.capture [--scenarios ABCDE]

`bench.run` calls it to check that the baseline runs the same statements as the gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import timedelta
from typing import Any

import httpx
from asyncpg.connection import LoggedQuery

from bench.scenarios import CALLERS, UNIQUE_TAG, Scenario, by_key
from gateway.app import create_app
from gateway.auth.dev_tokens import token_for_user
from gateway.config import Settings
from gateway.store import database

Captured = dict[str, Any]


def _recording_counter(log: list[LoggedQuery]) -> None:
    """Wraps the gateway's statement counter so each counted statement is also kept."""
    counter = database.StatementCounter
    original = counter.__call__

    def recording(self: database.StatementCounter, record: LoggedQuery) -> None:
        if record.query != self._reset_query and database.statement_source.get() == "request":
            log.append(record)
        original(self, record)

    counter.__call__ = recording  # type: ignore[method-assign]


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


async def capture(scenarios: list[Scenario]) -> dict[str, Captured]:
    log: list[LoggedQuery] = []
    _recording_counter(log)
    settings = Settings.from_env()
    assert settings.database_url is not None and settings.auth is not None
    app = create_app(settings, settings.database_url)
    out: dict[str, Captured] = {}
    async with app.router.lifespan_context(app):
        pool = app.state.pool
        tokens = {}
        for caller in CALLERS:
            _, tokens[caller] = await token_for_user(
                pool, settings.auth, caller, timedelta(minutes=10)
            )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for scenario in scenarios:
                body = scenario.body().replace(UNIQUE_TAG, f"cap{uuid.uuid4().hex[:12]}")
                headers = {
                    "authorization": f"Bearer {tokens[scenario.caller]}",
                    "content-type": "application/json",
                }
                # Once to warm the grant cache and the pool, once to record.
                await client.post("/graphql", content=body, headers=headers)
                log.clear()
                body = scenario.body().replace(UNIQUE_TAG, f"cap{uuid.uuid4().hex[:12]}")
                response = await client.post("/graphql", content=body, headers=headers)
                # Statements are reported from call_soon callbacks: let them land.
                await asyncio.sleep(0.05)
                out[scenario.key] = {
                    "status": response.status_code,
                    "response": response.json(),
                    "statements": [
                        {"query": r.query, "args": [_plain(a) for a in r.args]} for r in log
                    ],
                }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenarios", default="ABCDE")
    args = parser.parse_args()
    captured = asyncio.run(capture(by_key(args.scenarios)))
    json.dump(captured, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
