"""The sandbox's own tables, one per object, columns named as the fields, plus soft-delete columns.
It stands in for an external system, so its SQL lives here, not in gateway/store/."""

from __future__ import annotations

import secrets
import string
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from gateway.crm_sandbox.objects import OBJECTS, Field, Kind, SObject

_COLUMN_TYPES: dict[Kind, str] = {
    Kind.ID: 'text COLLATE "C"',
    Kind.REFERENCE: 'text COLLATE "C"',
    Kind.STRING: "text",
    Kind.PICKLIST: "text",
    Kind.EMAIL: "text",
    Kind.PHONE: "text",
    Kind.URL: "text",
    Kind.BOOLEAN: "boolean NOT NULL DEFAULT false",
    Kind.CURRENCY: "numeric(18, 2)",
    Kind.DATE: "date",
    Kind.DATETIME: "timestamptz",
}
_ID_ALPHABET = string.ascii_letters + string.digits
# The advisory lock that serialises start-ups on one database (the sandbox's own database).
SCHEMA_LOCK = 8700


def quoted(name: str) -> str:
    """A field name as a column identifier; names only ever come from the object model."""
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'


def _column(field: Field) -> str:
    if field.name == "Id":
        return '"Id" text COLLATE "C" PRIMARY KEY'
    return f"{quoted(field.name)} {_COLUMN_TYPES[field.kind]}"


def table_ddl(sobject: SObject) -> list[str]:
    columns = [_column(f) for f in sobject.fields]
    columns += ["is_deleted boolean NOT NULL DEFAULT false", "deleted_at timestamptz"]
    table = sobject.table
    statements = [
        f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(columns) + "\n)",
        f'CREATE INDEX IF NOT EXISTS {table}_modstamp ON {table} ("SystemModstamp", "Id")',
        f"CREATE INDEX IF NOT EXISTS {table}_deleted ON {table} (deleted_at) WHERE is_deleted",
    ]
    for field in sobject.fields:
        if field.unique:
            statements.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_{field.name.lower()}_key "
                f"ON {table} ({quoted(field.name)}) WHERE NOT is_deleted"
            )
        if field.kind is Kind.REFERENCE:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {table}_{field.name.lower()} "
                f"ON {table} ({quoted(field.name)})"
            )
    return statements


async def lock_schema(conn: asyncpg.Connection) -> None:
    """Held until the caller's transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)


async def create_tables(conn: asyncpg.Connection) -> None:
    """Idempotent: a restarted sandbox keeps its records."""
    for sobject in OBJECTS.values():
        for statement in table_ddl(sobject):
            await conn.execute(statement)


async def tables_are_empty(conn: asyncpg.Connection) -> bool:
    for sobject in OBJECTS.values():
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {sobject.table})"):
            return False
    return True


def new_record_id(sobject: SObject) -> str:
    """An 18-character id with the object's key prefix, like the seeded ones."""
    return sobject.key_prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(15))


async def create_pool(dsn: str, size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size)
    assert pool is not None
    return pool


async def ensure_database(dsn: str) -> None:
    """Create the DSN's database if the server lacks it (connecting as the same user)."""
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        parts = urlsplit(dsn)
        name = parts.path.lstrip("/")
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(f"CREATE DATABASE {quoted_identifier(name)}")
        except asyncpg.DuplicateDatabaseError:
            pass  # another process created it meanwhile
        finally:
            await admin.close()
        return
    await conn.close()


def quoted_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
