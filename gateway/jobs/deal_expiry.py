"""`expire_deals`: approved deals whose protection has ended become EXPIRED."""

from __future__ import annotations

from typing import Any

from gateway.jobs.job import JobRun
from gateway.store import deal_writes
from gateway.store import table as rows
from gateway.store.deals import DEALS
from gateway.store.scope import RowScope
from gateway.workflows import deals as deal_rules

PREVIOUS_STATUS = "APPROVED"  # the only status expire_overdue moves a deal from


async def expire_deals(run: JobRun) -> dict[str, Any]:
    """Expire, free the approval slots (in `expire_overdue`), announce and audit each deal."""
    expired = await deal_writes.expire_overdue(run.conn)
    if not expired:
        return {"expired": 0}
    # The system acts on every partner's deals, so no row scope applies.
    deals = await rows.fetch_by_ids(run.conn, DEALS, expired, RowScope.everything())
    for deal_id in expired:
        deal = deals[deal_id]
        # Subscribers hear of it when this transaction commits, and only if it does.
        await deal_rules.announce(run.conn, deal, PREVIOUS_STATUS)
        run.audit(
            "expireDeal",
            object_type="Deal",
            object_id=deal_id,
            partner_id=deal["partner_id"],
            reason="the protection period ended",
            detail={"from": PREVIOUS_STATUS, "to": deal["status"]},
        )
    return {"expired": len(expired)}
