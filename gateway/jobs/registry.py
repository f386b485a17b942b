"""Every scheduled job, by name, in the order a run takes them."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.jobs.deal_expiry import expire_deals
from gateway.jobs.job import Job
from gateway.jobs.lead_recall import recall_leads
from gateway.jobs.tier_refresh import recompute_tiers

# A job's number is the low half of its advisory-lock id: never renumber or reuse one, or two
# gateway versions running side by side during a deploy would not exclude each other.
JOBS: tuple[Job, ...] = (
    Job(
        "expire_deals",
        1,
        "Approved deals past their protection period become EXPIRED and free their approval.",
        expire_deals,
    ),
    Job(
        "recall_leads",
        2,
        "Leads unanswered past LEAD_SLA_HOURS are recalled and offered to the next partner.",
        recall_leads,
    ),
    Job(
        "recompute_tiers",
        3,
        "Partner tiers are recomputed from current certifications and won revenue.",
        recompute_tiers,
    ),
)
BY_NAME = {job.name: job for job in JOBS}


class UnknownJob(LookupError):
    """A job name that is not in the registry."""


def select(names: Sequence[str] | None) -> list[Job]:
    """The named jobs in registry order (each once), or every job when `names` is empty."""
    if not names:
        return list(JOBS)
    unknown = sorted(set(names) - set(BY_NAME))
    if unknown:
        raise UnknownJob(
            f"no job named {', '.join(unknown)} (jobs: {', '.join(BY_NAME)})"
        )
    return [job for job in JOBS if job.name in names]
