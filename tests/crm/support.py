"""What the mirror tests read back: the sandbox's record ids, and the local rows' state."""

from __future__ import annotations

from typing import Any

import asyncpg

from gateway.crm_sandbox.objects import OBJECTS as SANDBOX_OBJECTS
from tests.support.crm_sandbox import RunningSandbox

OBJECTS = ("Account", "Lead", "Opportunity")


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
