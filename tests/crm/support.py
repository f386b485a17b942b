"""What the CRM tests share: settings for the sandbox, the sandbox's record ids, the local rows'
state, and the gateway in-process with a persona's client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from gateway.app import create_app
from gateway.auth.jwt_tokens import mint_token
from gateway.config import Settings
from gateway.crm.settings import CrmSettings, Source
from gateway.crm_sandbox.objects import OBJECTS as SANDBOX_OBJECTS
from tests.support.auth import TEST_AUTH
from tests.support.crm_sandbox import RunningSandbox
from tests.support.graphql import GraphQLClient

OBJECTS = ("Account", "Lead", "Opportunity")
PAGE = 10  # the tests' sync page: every object takes several


def sandbox_settings(sandbox: RunningSandbox, **changes: object) -> CrmSettings:
    """Fast backoff (milliseconds), a one-second timeout, pages of PAGE records."""
    values: dict[str, object] = {
        "url": sandbox.url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "timeout_seconds": 1.0,
        "retry_base_seconds": 0.01,
        "retry_cap_seconds": 0.05,
        "circuit_open_seconds": 120.0,
        "sync_interval_seconds": 0,
        "sync_page_size": PAGE,
        **changes,
    }
    return CrmSettings(**values)  # type: ignore[arg-type]


async def crm_ids(sandbox: RunningSandbox) -> dict[str, set[str]]:
    """Every live record id per object, read from the sandbox's own database."""
    conn = await asyncpg.connect(sandbox.database_url)
    try:
        found: dict[str, set[str]] = {}
        for name in OBJECTS:
            table = SANDBOX_OBJECTS[name].table
            rows = await conn.fetch(f'SELECT "Id" FROM {table} WHERE NOT is_deleted')
            found[name] = {row["Id"] for row in rows}
        return found
    finally:
        await conn.close()


async def local_fingerprint(db: asyncpg.Pool) -> dict[str, Any]:
    """Row counts and the latest updated_at of the tables the mirror may touch."""
    row = await db.fetchrow(
        """
        SELECT (SELECT count(*) FROM partners) AS partners,
               (SELECT max(updated_at) FROM partners) AS partners_updated,
               (SELECT count(*) FROM deals) AS deals,
               (SELECT max(updated_at) FROM deals) AS deals_updated,
               (SELECT count(*) FROM leads) AS leads,
               (SELECT max(updated_at) FROM leads) AS leads_updated
        """
    )
    assert row is not None
    return dict(row)


async def crm_mutation(
    sandbox: RunningSandbox, document: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """A mutation through the contract's own endpoint (what a CRM user's change looks like)."""
    response = await sandbox.graphql(document, await sandbox.token(), variables)
    answer: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in answer, answer
    return answer


async def one_row(db: asyncpg.Pool, sql: str, *args: Any) -> asyncpg.Record:
    """The row a query must find."""
    row = await db.fetchrow(sql, *args)
    assert row is not None, sql
    return row


ROLES = {
    "cm@vendor.example": ("channel_manager", None),
    "admin@vendor.example": ("vendor_admin", None),
    "admin@acme.example": ("partner_admin", "acme"),
}


@asynccontextmanager
async def gateway(
    dsn: str,
    sandbox: RunningSandbox,
    sources: Mapping[str, Source] | None = None,
    **crm_changes: object,
) -> AsyncIterator[Callable[[str], GraphQLClient]]:
    """The gateway in-process (its lifespan running) on `dsn` and the sandbox; `as_user(email)`
    is a client with that persona's token."""
    crm = sandbox_settings(sandbox, sources=dict(sources or {}), **crm_changes)
    app = create_app(Settings(auth=TEST_AUTH, jobs_interval_seconds=0, crm=crm), dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:

            def as_user(email: str) -> GraphQLClient:
                role, slug = ROLES[email]
                token = mint_token(TEST_AUTH, email, [role], slug, timedelta(hours=1))
                return GraphQLClient(http, headers={"authorization": f"Bearer {token}"})

            yield as_user
