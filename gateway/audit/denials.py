"""Recording denials on the read path: buffered, and once per field per request."""

from __future__ import annotations

from typing import Any

from gateway.audit.events import DENIED, AuditEvent


def record_denial(
    context: Any,
    operation: str,
    object_type: str | None,
    reason: str,
    *,
    object_id: int | None = None,
    once_key: str | None = None,
) -> None:
    """`context` is the request's Context; `once_key` folds repeats (a field on 100 rows)."""
    if once_key is not None:
        if once_key in context.audited_denials:
            return
        context.audited_denials.add(once_key)
    context.audit.add(
        AuditEvent.of(
            context.principal,
            operation,
            DENIED,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
        )
    )
