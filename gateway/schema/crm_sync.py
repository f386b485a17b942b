"""CrmSyncStatus: where the CRM mirror stands, per mirrored object (vendor staff only)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry

from gateway.store.table import Row


@strawberry.type(
    description="The CRM mirror of one object (Account, Lead, Opportunity): how fresh it is and "
    "whether its last run failed. Vendor staff only."
)
class CrmSyncStatus:
    object: str = strawberry.field(description="The CRM object: Account, Lead or Opportunity.")
    last_success_at: datetime | None = strawberry.field(
        description="When a sync of this object last completed; null: never."
    )
    lag_seconds: float | None = strawberry.field(
        description="Seconds since `lastSuccessAt`: how old the mirror may be."
    )
    records: int = strawberry.field(description="Records mirrored and not deleted in the CRM.")
    last_run_records: int = strawberry.field(
        description="Records the last successful run read (0 when nothing had changed)."
    )
    last_attempt_at: datetime | None = strawberry.field(
        description="When a sync of this object last started."
    )
    last_error: str | None = strawberry.field(
        description="Why the latest run failed, if it did (cleared by the next success)."
    )
    last_error_at: datetime | None = strawberry.field(description="When that run failed.")
    synced_through: datetime | None = strawberry.field(
        description="The SystemModstamp of the last record mirrored (the sync's cursor)."
    )
    full_resync: bool = strawberry.field(
        description="A full resync is under way (or was interrupted and resumes next run)."
    )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            object=row["object"],
            last_success_at=row["last_success_at"],
            lag_seconds=row["lag_seconds"],
            records=row["records"],
            last_run_records=row["last_run_records"] or 0,
            last_attempt_at=row["last_attempt_at"],
            last_error=row["last_error"],
            last_error_at=row["last_error_at"],
            synced_through=row["cursor_modstamp"],
            full_resync=bool(row["full_resync"]),
        )
