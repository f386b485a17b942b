"""Global ids given as arguments, turned into database ids of the expected type."""

from __future__ import annotations

from collections.abc import Iterable

from gateway.schema.node import from_global_id


def database_ids(global_ids: Iterable[str] | None, type_name: str) -> frozenset[int] | None:
    if global_ids is None:
        return None
    return frozenset(from_global_id(gid, expected=type_name)[1] for gid in global_ids)


def enum_values(members: Iterable[object] | None) -> frozenset[str] | None:
    """Enum inputs to the strings the store keeps (`None`: no condition)."""
    if members is None:
        return None
    return frozenset(str(getattr(member, "value", member)) for member in members)
