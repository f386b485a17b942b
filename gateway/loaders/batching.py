"""The three loader shapes every relation uses: rows by id, a page per parent, a count per parent.

Each is bound to one table and one row scope when the request starts, so a cached row can never
cross from one caller to another.
"""

from __future__ import annotations

from asyncio import Future
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from aiodataloader import DataLoader

from gateway.authz.row_check import within_scope
from gateway.store import table as rows
from gateway.store.database import Executor
from gateway.store.scope import RowScope
from gateway.store.sql import PageRequest
from gateway.store.table import Row, RowFilter, Table


class RowByIdLoader(DataLoader[int, Row | None]):
    """A row per id, or None where the id does not exist or lies outside the scope."""

    def __init__(self, db: Executor, table: Table, scope: RowScope) -> None:
        super().__init__()
        self._db, self._table, self._scope = db, table, scope
        self._primed: dict[int, Row] = {}

    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        found = await rows.fetch_by_ids(self._db, self._table, keys, self._scope)
        checked = within_scope(self._table, self._scope, list(found.values()))
        kept = {row["id"]: row for row in checked}
        return [kept.get(key) for key in keys]

    def prime_rows(self, loaded: Iterable[Row]) -> None:
        """Rows a list query already returned need no second trip when a child points back.
        They wait here and become cached futures only when asked for (most never are: a
        future per row of every page cost more than the rest of serving it)."""
        primed = self._primed
        for row in loaded:
            primed.setdefault(row["id"], row)

    def load(self, key: int) -> Future[Row | None]:
        if self._primed and key in self._primed:
            # As `prime` always did: a load already under way for the key keeps its answer.
            self.prime(key, self._primed.pop(key))
        return super().load(key)


@dataclass(frozen=True)
class PageKey:
    """The arguments of a nested connection; parents asking the same thing share one statement."""

    row_filter: RowFilter
    page: PageRequest


class PageByParentLoader(DataLoader[tuple[int, PageKey], list[Row]]):
    """A page of child rows per parent id (e.g. each partner's first 10 deals)."""

    def __init__(self, db: Executor, table: Table, parent_column: str, scope: RowScope) -> None:
        super().__init__()
        self._db, self._table, self._parent, self._scope = db, table, parent_column, scope

    async def batch_load_fn(
        self, keys: list[tuple[int, PageKey]]
    ) -> list[list[Row]]:
        parents_by_args: dict[PageKey, list[int]] = defaultdict(list)
        for parent_id, args in keys:
            parents_by_args[args].append(parent_id)
        pages: dict[tuple[int, PageKey], list[Row]] = {}
        for args, parent_ids in parents_by_args.items():
            grouped = await rows.fetch_pages_by_parent(
                self._db, self._table, self._parent, parent_ids, args.row_filter, args.page,
                self._scope,
            )
            for parent_id in parent_ids:
                found = grouped.get(parent_id, [])
                pages[(parent_id, args)] = within_scope(self._table, self._scope, found)
        return [pages[key] for key in keys]


class CountByParentLoader(DataLoader[tuple[int, RowFilter], int]):
    """How many child rows each parent has under a filter, for `totalCount` on nested lists."""

    def __init__(self, db: Executor, table: Table, parent_column: str, scope: RowScope) -> None:
        super().__init__()
        self._db, self._table, self._parent, self._scope = db, table, parent_column, scope

    async def batch_load_fn(
        self, keys: list[tuple[int, RowFilter]]
    ) -> list[int]:
        parents_by_filter: dict[RowFilter, list[int]] = defaultdict(list)
        for parent_id, row_filter in keys:
            parents_by_filter[row_filter].append(parent_id)
        totals: dict[tuple[int, RowFilter], int] = {}
        for row_filter, parent_ids in parents_by_filter.items():
            counted = await rows.count_by_parent(
                self._db, self._table, self._parent, parent_ids, row_filter, self._scope
            )
            for parent_id in parent_ids:
                totals[(parent_id, row_filter)] = counted.get(parent_id, 0)
        return [totals[key] for key in keys]


class RowsByParentLoader(DataLoader[int, list[Row]]):
    """Every child row per parent, for small bounded sets (a user's certifications)."""

    def __init__(self, db: Executor, table: Table, parent_column: str, scope: RowScope) -> None:
        super().__init__()
        self._db, self._table, self._parent, self._scope = db, table, parent_column, scope

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        grouped = await rows.fetch_all_by_parent(
            self._db, self._table, self._parent, keys, self._scope
        )
        return [within_scope(self._table, self._scope, grouped.get(key, [])) for key in keys]
