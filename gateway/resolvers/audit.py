"""The audit trail as a list, scoped by the grant's AuditEvent scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.ids import enum_values
from gateway.resolvers.lists import root_connection
from gateway.schema.audit import AuditEventFilter
from gateway.schema.pagination import Connection
from gateway.store.audit import AUDIT_EVENTS, AuditFilter
from gateway.store.sql import OrderBy
from gateway.store.table import Row

NodeT = TypeVar("NodeT")


def audit_filter(given: AuditEventFilter | None) -> AuditFilter:
    if given is None:
        return AuditFilter()
    return AuditFilter(
        outcomes=enum_values(given.outcomes),
        operations=None if given.operations is None else frozenset(given.operations),
        object_types=None if given.object_types is None else frozenset(given.object_types),
        subject=given.subject,
        since=given.since,
    )


async def audit_events(
    context: Context,
    first: int,
    after: str | None,
    given_filter: AuditEventFilter | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    """Oldest first (in the order events were written), so a pull can resume from a cursor."""
    return await root_connection(
        context,
        table=AUDIT_EVENTS,
        object_type="AuditEvent",
        row_filter=audit_filter(given_filter),
        first=first,
        after=after,
        order=OrderBy("id"),
        to_node=to_node,
    )
