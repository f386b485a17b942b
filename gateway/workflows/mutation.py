"""Running a mutation: the grant's action check, one transaction, and its audit event.

A refused action raises FORBIDDEN and writes nothing; a rejected input rolls the transaction
back and comes out as `userErrors`; the ALLOWED audit event commits with the change itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import asyncpg

from gateway.audit.events import ALLOWED, DENIED, FAILED, AuditEvent
from gateway.context import Context
from gateway.errors import Forbidden
from gateway.store import audit as audit_store
from gateway.workflows.rejection import Rejected

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What a mutation produced, or why not; `object_id` is what the audit event names."""

    value: T | None = None
    errors: list[Rejected] = field(default_factory=list)


@dataclass
class Done(Generic[T]):
    value: T
    object_id: int | None
    detail: dict[str, Any] = field(default_factory=dict)


async def run_mutation(
    context: Context,
    *,
    operation: str,
    object_type: str,
    action: str,
    object_id: int | None,
    work: Callable[[asyncpg.Connection], Awaitable[Done[T]]],
) -> Outcome[T]:
    principal = context.principal
    if not context.grant.can(object_type, action):
        context.audit.add(
            AuditEvent.of(
                principal,
                operation,
                DENIED,
                object_type=object_type,
                object_id=object_id,
                reason=f"action {action} on {object_type} is not granted",
            )
        )
        raise Forbidden(f"You may not {action} {object_type} objects")
    try:
        async with context.db.acquire() as conn, conn.transaction():
            # The pool hands out a proxy that behaves as the connection it wraps.
            done = await work(cast(asyncpg.Connection, conn))
            event = AuditEvent.of(
                principal,
                operation,
                ALLOWED,
                object_type=object_type,
                object_id=done.object_id,
                detail=done.detail,
            )
            await audit_store.append(conn, [event])
    except Rejected as rejected:
        context.audit.add(
            AuditEvent.of(
                principal,
                operation,
                FAILED,
                object_type=object_type,
                object_id=object_id,
                reason=f"{rejected.code}: {rejected.message}",
            )
        )
        return Outcome(errors=[rejected])
    return Outcome(value=done.value)
