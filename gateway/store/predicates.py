"""Predicate builders shared by the tables' filters; each returns None when it does not apply."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from gateway.store.sql import SqlParams


def one_of(column: str, values: Collection[str] | None, params: SqlParams) -> str | None:
    if values is None:
        return None
    return f"{column} = ANY({params.add(sorted(values))}::text[])"


def id_in(column: str, ids: Collection[int] | None, params: SqlParams) -> str | None:
    if ids is None:
        return None
    return f"{column} = ANY({params.add(sorted(ids))}::bigint[])"


def at_or_after(column: str, since: datetime | None, params: SqlParams) -> str | None:
    if since is None:
        return None
    return f"{column} >= {params.add(since)}"


def contains(array_column: str, value: str | None, params: SqlParams) -> str | None:
    if value is None:
        return None
    return f"{array_column} @> ARRAY[{params.add(value)}::text]"


def _like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def name_or_domain_prefix(
    name_column: str, domain_column: str, text: str | None, params: SqlParams
) -> str | None:
    """Case-insensitive prefix match on a name or a domain; both are indexed for prefix search."""
    if text is None or not text.strip():
        return None
    pattern = params.add(_like_prefix(text.strip()))
    return f"(lower({name_column}) LIKE {pattern} OR {domain_column} LIKE {pattern})"
