"""Small building blocks for parameterised SQL: numbered parameters and keyset pages.

Only identifiers chosen by the store itself are ever formatted into SQL text; every value a
caller supplies travels as a `$n` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SqlParams:
    """Collects values and hands out their `$n` placeholders in order."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


@dataclass(frozen=True)
class OrderBy:
    """A sort column the store knows (never caller text) plus direction; `id` breaks ties."""

    column: str
    descending: bool = False

    def sql(self, alias: str) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{alias}.{self.column} {direction}, {alias}.id {direction}"


@dataclass(frozen=True)
class Keyset:
    """The position after which a page starts: the sort value and the id of the last row seen."""

    value: Any
    id: int


@dataclass(frozen=True)
class PageRequest:
    """`first` rows after `after` in `order`; the store fetches one more to learn if more exist."""

    first: int
    order: OrderBy
    after: Keyset | None = None


def keyset_predicate(page: PageRequest, alias: str, params: SqlParams) -> str | None:
    if page.after is None:
        return None
    comparison = "<" if page.order.descending else ">"
    value = params.add(page.after.value)
    last_id = params.add(page.after.id)
    return f"({alias}.{page.order.column}, {alias}.id) {comparison} ({value}, {last_id})"


def where(clauses: list[str | None]) -> str:
    present = [c for c in clauses if c]
    return ("WHERE " + " AND ".join(present)) if present else ""
