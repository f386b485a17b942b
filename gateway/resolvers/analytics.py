"""Analytics: the pipeline and the lead funnel, aggregated inside the caller's row scope.

An aggregate tells as much as the fields it is made of, so the policy decides it through them:
whoever may read a deal's amount and status (and the fields a group is cut by) may total them,
over exactly the rows they could list. No new object type or action is needed in the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gateway.audit.denials import record_denial
from gateway.context import Context
from gateway.errors import Forbidden
from gateway.resolvers.deals import deal_filter
from gateway.resolvers.leads import lead_filter
from gateway.resolvers.lists import require_read
from gateway.schema import inputs
from gateway.store import analytics as analytics_store
from gateway.store.table import Row

# The fields each part of a pipeline reveals, as (type, field) the policy decides.
PIPELINE_MEASURES = (("Deal", "amount"), ("Deal", "status"))
PIPELINE_GROUP_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "partner": (("Deal", "partner"),),
    "stage": (("Deal", "stage"),),
    "quarter": (("Deal", "closedAt"), ("Deal", "expectedCloseDate")),
    "region": (("Deal", "region"),),
    "tier": (("Deal", "partner"), ("Partner", "tier")),
}
# Lead statuses in funnel order; NEW leads have not been offered to any partner yet.
FUNNEL = ("NEW", "ASSIGNED", "ACCEPTED", "REJECTED", "RECALLED", "CONVERTED")


def _require_fields(context: Context, fields: Iterable[tuple[str, str]]) -> None:
    for type_name, field_name in fields:
        if not context.grant.can_read_field(type_name, field_name):
            key = f"{type_name}.{field_name}"
            record_denial(context, "aggregate", type_name, f"field {key}", once_key=key)
            raise Forbidden(f"You may not aggregate {key}")


async def pipeline(
    context: Context, groups: Sequence[str], given_filter: inputs.DealFilter | None
) -> list[Row]:
    require_read(context, "Deal")
    chosen = list(dict.fromkeys(groups))
    _require_fields(
        context,
        [*PIPELINE_MEASURES, *(f for group in chosen for f in PIPELINE_GROUP_FIELDS[group])],
    )
    return await analytics_store.pipeline(
        context.db, chosen, deal_filter(given_filter), context.grant.row_scope("Deal")
    )


@dataclass(frozen=True)
class Funnel:
    counts: dict[str, int]  # every status of FUNNEL, in order, zero where none
    total: int
    conversion_rate: float | None


async def lead_funnel(context: Context, given_filter: inputs.LeadFilter | None) -> Funnel:
    require_read(context, "Lead")
    _require_fields(context, [("Lead", "status")])
    found = await analytics_store.lead_counts_by_status(
        context.db, lead_filter(given_filter), context.grant.row_scope("Lead")
    )
    counts = {status: found.get(status, 0) for status in FUNNEL}
    offered = sum(counts.values()) - counts["NEW"]
    rate = counts["CONVERTED"] / offered if offered else None
    return Funnel(counts=counts, total=sum(counts.values()), conversion_rate=rate)
