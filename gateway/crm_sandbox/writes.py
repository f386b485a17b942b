"""Create, update and delete of single records, with a real org's checks: required fields,
restricted picklists, references that must exist, derived flags and the unique external id."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import asyncpg

from gateway.crm_sandbox.errors import SandboxError, not_found, validation_error
from gateway.crm_sandbox.objects import (
    CREATE_DEFAULTS,
    LOST_STAGE,
    OBJECTS,
    WON_STAGE,
    Field,
    Kind,
    SObject,
)
from gateway.crm_sandbox.tables import new_record_id, quoted
from gateway.crm_sandbox.values import record_node, to_milliseconds

# What a real org accepts as an e-mail address, roughly: one @, no spaces, a dotted domain.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def write_timestamp() -> datetime:
    """Now, to the millisecond: Salesforce's precision, so a client that filters on
    `SystemModstamp > <a value it read>` compares exactly what is stored."""
    return to_milliseconds(datetime.now(UTC))


def _derived(sobject: SObject, values: dict[str, Any]) -> dict[str, Any]:
    if sobject.name == "Opportunity" and "StageName" in values:
        stage = values["StageName"]
        return {"IsClosed": stage in (WON_STAGE, LOST_STAGE), "IsWon": stage == WON_STAGE}
    return {}


async def _check(
    conn: asyncpg.Connection, sobject: SObject, values: dict[str, Any], *, creating: bool
) -> None:
    for field in sobject.writable:
        value = values.get(field.name)
        if value is None:
            if field.required and (creating or field.name in values):
                raise validation_error(
                    f"REQUIRED_FIELD_MISSING: Required fields are missing: [{field.name}]"
                )
            continue
        if field.max_length is not None and len(value) > field.max_length:
            raise validation_error(
                f"STRING_TOO_LONG: {field.name}: data value too large (max length="
                f"{field.max_length})"
            )
        if field.kind is Kind.EMAIL and not _EMAIL.fullmatch(value):
            raise validation_error(f"INVALID_EMAIL_ADDRESS: {field.name}: invalid email address")
        if field.picklist and value not in field.picklist:
            raise validation_error(
                f"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: {field.name}: bad value for "
                f"restricted picklist field: {value}"
            )
        if field.references is not None:
            await _check_reference(conn, field, value)


async def _check_reference(conn: asyncpg.Connection, field: Field, value: str) -> None:
    assert field.references is not None
    parent = OBJECTS[field.references]
    exists = value.startswith(parent.key_prefix) and await conn.fetchval(
        f'SELECT EXISTS (SELECT 1 FROM {parent.table} WHERE "Id" = $1 AND NOT is_deleted)',
        value,
    )
    if not exists:
        raise validation_error(
            f"INVALID_CROSS_REFERENCE_KEY: {field.name}: no {parent.name} with id {value!r}"
        )


def _values(sobject: SObject, representation: dict[str, Any]) -> dict[str, Any]:
    for name in representation:
        if sobject.field(name).kind is Kind.BOOLEAN and representation[name] is None:
            raise validation_error(f"{name}: a checkbox cannot be null")
    return dict(representation)


async def create_record(
    conn: asyncpg.Connection, sobject: SObject, representation: dict[str, Any]
) -> dict[str, Any]:
    values = {**CREATE_DEFAULTS.get(sobject.name, {}), **_values(sobject, representation)}
    await _check(conn, sobject, values, creating=True)
    now = write_timestamp()
    row = {
        "Id": new_record_id(sobject),
        **values,
        **_derived(sobject, values),
        "CreatedDate": now,
        "LastModifiedDate": now,
        "SystemModstamp": now,
    }
    columns = ", ".join(quoted(name) for name in row)
    placeholders = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    record = await _write(
        conn,
        sobject,
        f"INSERT INTO {sobject.table} ({columns}) VALUES ({placeholders}) RETURNING *",
        list(row.values()),
    )
    assert record is not None
    return record


async def update_record(
    conn: asyncpg.Connection, sobject: SObject, record_id: str, representation: dict[str, Any]
) -> dict[str, Any]:
    values = _values(sobject, representation)
    await _check(conn, sobject, values, creating=False)
    now = write_timestamp()
    changes = {
        **values,
        **_derived(sobject, values),
        "LastModifiedDate": now,
        "SystemModstamp": now,
    }
    assignments = ", ".join(f"{quoted(name)} = ${i}" for i, name in enumerate(changes, start=2))
    record = await _write(
        conn,
        sobject,
        f'UPDATE {sobject.table} SET {assignments} WHERE "Id" = $1 AND NOT is_deleted RETURNING *',
        [record_id, *changes.values()],
    )
    if record is None:
        raise not_found(sobject.name, record_id)
    return record


async def delete_record(conn: asyncpg.Connection, sobject: SObject, record_id: str) -> str:
    now = write_timestamp()
    deleted = await conn.fetchval(
        f'UPDATE {sobject.table} SET is_deleted = true, deleted_at = $2, "SystemModstamp" = $2 '
        'WHERE "Id" = $1 AND NOT is_deleted RETURNING "Id"',
        record_id,
        now,
    )
    if deleted is None:
        raise not_found(sobject.name, record_id)
    assert isinstance(deleted, str)
    return deleted


async def _write(
    conn: asyncpg.Connection, sobject: SObject, sql: str, args: list[Any]
) -> dict[str, Any] | None:
    try:
        row = await conn.fetchrow(sql, *args)
    except asyncpg.UniqueViolationError:
        unique = [f.name for f in sobject.fields if f.unique]
        raise validation_error(
            f"DUPLICATE_VALUE: duplicate value found: {', '.join(unique)} duplicates the value "
            "on another record"
        ) from None
    except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
        raise SandboxError("ValidationError", f"FIELD_INTEGRITY_EXCEPTION: {exc}") from None
    return None if row is None else record_node(sobject, dict(row))
