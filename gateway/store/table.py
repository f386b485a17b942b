"""Scoped reads shared by every table: by ids, a page, a page per parent, and counts.

Each aggregate module (`deals.py`, `leads.py`, …) describes its table once with `Table` and a
filter type; these functions turn that into one statement per call, whatever the batch size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.store.database import Executor
from gateway.store.scope import RowScope, ScopedColumns, scope_predicate
from gateway.store.sql import PageRequest, SqlParams, keyset_predicate, where

Row = Any  # an asyncpg.Record: read by column name


class RowFilter(Protocol):
    """A hashable filter that renders its own WHERE fragments against a table alias."""

    def predicates(self, alias: str, params: SqlParams) -> list[str]: ...


@dataclass(frozen=True)
class NoFilter:
    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        return []


@dataclass(frozen=True)
class Table:
    name: str
    alias: str
    columns: tuple[str, ...]
    scoped: ScopedColumns
    order_columns: frozenset[str]
    parent_columns: frozenset[str] = frozenset()

    @property
    def select_list(self) -> str:
        return ", ".join(f"{self.alias}.{c}" for c in self.columns)

    def _scoped(self, column: str | None) -> str | None:
        return None if column is None else f"{self.alias}.{column}"

    def scope_sql(self, scope: RowScope, params: SqlParams) -> str | None:
        columns = ScopedColumns(
            partner=self._scoped(self.scoped.partner), owner=self._scoped(self.scoped.owner)
        )
        return scope_predicate(scope, columns, params)

    def check_order(self, page: PageRequest) -> None:
        if page.order.column not in self.order_columns:
            raise ValueError(f"{self.name} cannot be ordered by {page.order.column!r}")

    def check_parent(self, column: str) -> None:
        if column not in self.parent_columns:
            raise ValueError(f"{self.name} has no parent column {column!r}")


async def fetch_by_ids(
    db: Executor, table: Table, ids: Sequence[int], scope: RowScope
) -> dict[int, Row]:
    params = SqlParams()
    id_list = params.add(list(ids))
    clauses = [f"{table.alias}.id = ANY({id_list}::bigint[])", table.scope_sql(scope, params)]
    sql = f"SELECT {table.select_list} FROM {table.name} {table.alias} {where(clauses)}"
    rows = await db.fetch(sql, *params.values)
    return {row["id"]: row for row in rows}


async def fetch_page(
    db: Executor, table: Table, row_filter: RowFilter, page: PageRequest, scope: RowScope
) -> list[Row]:
    """Up to `page.first + 1` rows; the extra row only tells the caller a next page exists."""
    table.check_order(page)
    params = SqlParams()
    a = table.alias
    clauses = [
        table.scope_sql(scope, params),
        *row_filter.predicates(a, params),
        keyset_predicate(page, a, params),
    ]
    limit = params.add(page.first + 1)
    sql = (
        f"SELECT {table.select_list} FROM {table.name} {a} {where(clauses)} "
        f"ORDER BY {page.order.sql(a)} LIMIT {limit}"
    )
    return list(await db.fetch(sql, *params.values))


async def count(db: Executor, table: Table, row_filter: RowFilter, scope: RowScope) -> int:
    params = SqlParams()
    a = table.alias
    clauses = [table.scope_sql(scope, params), *row_filter.predicates(a, params)]
    sql = f"SELECT count(*) FROM {table.name} {a} {where(clauses)}"
    total: int = await db.fetchval(sql, *params.values)
    return total


async def fetch_pages_by_parent(
    db: Executor,
    table: Table,
    parent_column: str,
    parent_ids: Iterable[int],
    row_filter: RowFilter,
    page: PageRequest,
    scope: RowScope,
) -> dict[int, list[Row]]:
    """One page per parent in one statement (a LATERAL join walks each parent's index range)."""
    table.check_order(page)
    table.check_parent(parent_column)
    params = SqlParams()
    a = table.alias
    parents = params.add(sorted(set(parent_ids)))
    clauses = [
        f"{a}.{parent_column} = parent.id",
        table.scope_sql(scope, params),
        *row_filter.predicates(a, params),
        keyset_predicate(page, a, params),
    ]
    limit = params.add(page.first + 1)
    sql = (
        f"SELECT page.* FROM unnest({parents}::bigint[]) AS parent(id) "
        f"CROSS JOIN LATERAL (SELECT {table.select_list} FROM {table.name} {a} {where(clauses)} "
        f"ORDER BY {page.order.sql(a)} LIMIT {limit}) AS page"
    )
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in await db.fetch(sql, *params.values):
        grouped[row[parent_column]].append(row)
    return grouped


async def count_by_parent(
    db: Executor,
    table: Table,
    parent_column: str,
    parent_ids: Iterable[int],
    row_filter: RowFilter,
    scope: RowScope,
) -> dict[int, int]:
    table.check_parent(parent_column)
    params = SqlParams()
    a = table.alias
    parents = params.add(sorted(set(parent_ids)))
    clauses = [
        f"{a}.{parent_column} = ANY({parents}::bigint[])",
        table.scope_sql(scope, params),
        *row_filter.predicates(a, params),
    ]
    sql = (
        f"SELECT {a}.{parent_column} AS parent_id, count(*) AS total "
        f"FROM {table.name} {a} {where(clauses)} GROUP BY {a}.{parent_column}"
    )
    return {row["parent_id"]: row["total"] for row in await db.fetch(sql, *params.values)}


async def fetch_all_by_parent(
    db: Executor, table: Table, parent_column: str, parent_ids: Iterable[int], scope: RowScope
) -> dict[int, list[Row]]:
    """Every row of small per-parent sets (a user's certifications), in id order."""
    table.check_parent(parent_column)
    params = SqlParams()
    a = table.alias
    parents = params.add(sorted(set(parent_ids)))
    clauses = [f"{a}.{parent_column} = ANY({parents}::bigint[])", table.scope_sql(scope, params)]
    sql = (
        f"SELECT {table.select_list} FROM {table.name} {a} {where(clauses)} "
        f"ORDER BY {a}.{parent_column}, {a}.id"
    )
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in await db.fetch(sql, *params.values):
        grouped[row[parent_column]].append(row)
    return grouped
