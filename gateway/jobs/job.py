"""What a scheduled job is: a name, a stable advisory-lock id, and work done in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from gateway.audit.events import ALLOWED, AuditEvent
from gateway.config import Settings

# Who the audit trail names for changes a job makes (with no role: no person acted).
SYSTEM_SUBJECT = "system:jobs"

# "JOBS" in the high 32 bits, the job's number in the low ones: in pg_locks a running job shows
# as an advisory lock with classid 1246708307 and objid = its number. The migration lock
# (0x67617465, "gate") lives in a different range, so the two can never collide.
LOCK_NAMESPACE = 0x4A4F_4253


def lock_id_of(number: int) -> int:
    return (LOCK_NAMESPACE << 32) | number


@dataclass
class JobRun:
    """What a job's work gets: its transaction's connection, the settings, and an audit trail
    that is written in the same transaction as the work."""

    conn: asyncpg.Connection
    settings: Settings
    run_id: str
    started_at: datetime
    events: list[AuditEvent] = field(default_factory=list)

    def audit(
        self,
        operation: str,
        *,
        object_type: str,
        object_id: int | None = None,
        partner_id: int | None = None,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An ALLOWED event by `system:jobs`; `partner_id` names the partner whose data changed,
        so that partner's admins find it in their own audit trail."""
        self.events.append(
            AuditEvent(
                subject=SYSTEM_SUBJECT,
                role=None,
                partner_id=partner_id,
                operation=operation,
                object_type=object_type,
                object_id=object_id,
                outcome=ALLOWED,
                reason=reason,
                detail=detail or {},
                request_id=self.run_id,
            )
        )


# A job's work returns a small JSON-able summary of what it did (kept in job_runs.result).
Work = Callable[[JobRun], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Job:
    name: str
    number: int  # never reused: it is the low half of the job's advisory-lock id
    description: str
    work: Work

    @property
    def lock_id(self) -> int:
        return lock_id_of(self.number)
