"""The GraphQL documents the connector sends, built from the field mapping: one per object and
purpose, so the client parses each once. Filters travel as variables (`<Object>_Filter`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gateway.crm.errors import CrmProtocolError
from gateway.crm.mapping import ObjectMapping


def _selection(mapping: ObjectMapping) -> str:
    fields = " ".join(f"{crm} {{ value }}" for crm in mapping.fields.values())
    return f"Id SystemModstamp {{ value }} {fields}"


def mirror_document(mapping: ObjectMapping, *, with_total: bool) -> str:
    """A page in (SystemModstamp, Id) order; `totalCount` (costly) only on a run's first page."""
    name = mapping.crm_object
    total = " totalCount" if with_total else ""
    return (
        f"query Mirror{name}($first: Int, $where: {name}_Filter) {{ uiapi {{ query {{ "
        f"{name}(first: $first, where: $where, "
        f"orderBy: {{ SystemModstamp: {{ order: ASC }}, Id: {{ order: ASC }} }}) {{ "
        f"edges {{ node {{ {_selection(mapping)} }} }} pageInfo {{ hasNextPage }}{total} "
        f"}} }} }} }}"
    )


def by_ids_document(mapping: ObjectMapping) -> str:
    """Records by id, for live reads; the caller's scope goes into `$where` beside the ids."""
    name = mapping.crm_object
    return (
        f"query Live{name}($first: Int, $where: {name}_Filter) {{ uiapi {{ query {{ "
        f"{name}(first: $first, where: $where) {{ edges {{ node {{ {_selection(mapping)} }} }} "
        f"}} }} }} }}"
    )


def crm_datetime(moment: datetime) -> str:
    """ISO-8601 UTC as the contract writes it, keeping microseconds (a cursor must compare
    equal to the CRM's own value)."""
    text = moment.astimezone(UTC).isoformat(timespec="microseconds")
    return text.replace("+00:00", "Z")


def after_filter(since: datetime | None, last_id: str | None) -> dict[str, Any] | None:
    """Records after a point of the (SystemModstamp, Id) order; None: from the beginning."""
    if since is None:
        return None
    stamp = {"value": crm_datetime(since)}
    if last_id is None:
        return {"SystemModstamp": {"gt": stamp}}
    return {
        "or": [
            {"SystemModstamp": {"gt": stamp}},
            {"and": [{"SystemModstamp": {"eq": stamp}}, {"Id": {"gt": last_id}}]},
        ]
    }


def edges_of(data: dict[str, Any], mapping: ObjectMapping) -> tuple[list[dict[str, Any]], Any]:
    """(nodes, the connection) of `data.uiapi.query.<Object>`."""
    try:
        connection = data["uiapi"]["query"][mapping.crm_object] or {}
        edges = connection.get("edges") or []
        nodes = [edge["node"] for edge in edges if edge and edge.get("node")]
    except (KeyError, TypeError, AttributeError):
        raise CrmProtocolError(
            f"the CRM's answer holds no uiapi.query.{mapping.crm_object} connection"
        ) from None
    return nodes, connection
