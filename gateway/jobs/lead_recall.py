"""`recall_leads`: leads left unanswered past the SLA go back and on to the next partner."""

from __future__ import annotations

from typing import Any

from gateway.jobs.job import JobRun
from gateway.workflows.leads import recall_overdue_leads


async def recall_leads(run: JobRun) -> dict[str, Any]:
    """The lead workflow records the silent partner, re-offers the lead, announces the new
    assignment and audits each recall as `system:jobs`; the job only says how many."""
    recalled = await recall_overdue_leads(run.conn, run.settings.lead_sla_hours)
    return {"recalled": len(recalled)}
