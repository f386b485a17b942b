"""The audit trail's table: appended in batches, read as a scoped, filtered list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from gateway.audit.events import AuditEvent
from gateway.store.database import Executor
from gateway.store.predicates import at_or_after, one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

AUDIT_EVENTS = Table(
    name="audit_events",
    alias="ae",
    columns=(
        "id", "occurred_at", "request_id", "subject", "role", "partner_id", "operation",
        "object_type", "object_id", "outcome", "reason", "detail",
    ),
    scoped=ScopedColumns(partner="partner_id", owner=None),
    order_columns=frozenset({"id", "occurred_at"}),
)


@dataclass(frozen=True)
class AuditFilter:
    outcomes: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    object_types: frozenset[str] | None = None
    subject: str | None = None
    since: datetime | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [
            one_of(f"{alias}.outcome", self.outcomes, params),
            one_of(f"{alias}.operation", self.operations, params),
            one_of(f"{alias}.object_type", self.object_types, params),
            None if self.subject is None else f"{alias}.subject = {params.add(self.subject)}",
            at_or_after(f"{alias}.occurred_at", self.since, params),
        ]
        return [p for p in found if p]


async def append(db: Executor, events: Sequence[AuditEvent]) -> None:
    """All events in one statement (mutations call it inside their own transaction)."""
    if not events:
        return
    await db.execute(
        """
        INSERT INTO audit_events (occurred_at, request_id, subject, role, partner_id, operation,
                                  object_type, object_id, outcome, reason, detail)
        SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[],
                             $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[],
                             $10::text[], $11::jsonb[])
        """,
        [e.occurred_at for e in events],
        [e.request_id for e in events],
        [e.subject for e in events],
        [e.role for e in events],
        [e.partner_id for e in events],
        [e.operation for e in events],
        [e.object_type for e in events],
        [e.object_id for e in events],
        [e.outcome for e in events],
        [e.reason for e in events],
        [orjson.dumps(e.detail).decode() for e in events],
    )
