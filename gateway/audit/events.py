"""One audit event, as the store keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateway.auth.principal import Principal
from gateway.http.request_id import current_request_id

ALLOWED = "ALLOWED"
DENIED = "DENIED"
FAILED = "FAILED"


@dataclass(frozen=True)
class AuditEvent:
    subject: str
    role: str | None
    partner_id: int | None
    operation: str
    object_type: str | None
    object_id: int | None
    outcome: str
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(
        cls,
        principal: Principal,
        operation: str,
        outcome: str,
        *,
        object_type: str | None = None,
        object_id: int | None = None,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditEvent:
        return cls(
            subject=principal.subject,
            role=",".join(sorted(principal.roles)) or None,
            partner_id=principal.partner_id,
            operation=operation,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            reason=reason,
            detail=detail or {},
            request_id=current_request_id.get(),
        )
