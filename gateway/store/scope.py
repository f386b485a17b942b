"""Row scopes: the explicit limits a store query takes, decided by the caller's grant.

A store function never looks at who is asking; it only applies the scope it is handed. Each
scope kind is turned into SQL here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.store.sql import SqlParams


@dataclass(frozen=True)
class RowScope:
    """Which rows of a table the caller may see.

    `partner_ids=None` means every partner; an empty set means no partner at all.
    `owner_user_id` narrows further to rows the given partner user owns or is assigned.
    """

    partner_ids: frozenset[int] | None = None
    owner_user_id: int | None = None

    @classmethod
    def everything(cls) -> RowScope:
        return cls()

    @classmethod
    def nothing(cls) -> RowScope:
        return cls(partner_ids=frozenset())

    @property
    def unrestricted(self) -> bool:
        return self.partner_ids is None and self.owner_user_id is None

    def admits(self, partner_id: int | None, owner_user_id: int | None) -> bool:
        """The same rule as `predicate`, for checking rows that came back (defence in depth)."""
        if self.partner_ids is not None and partner_id not in self.partner_ids:
            return False
        return self.owner_user_id is None or owner_user_id == self.owner_user_id


@dataclass(frozen=True)
class ScopedColumns:
    """Where a table keeps the columns a scope is checked against (None: not scoped that way)."""

    partner: str | None
    owner: str | None


def scope_predicate(scope: RowScope, columns: ScopedColumns, params: SqlParams) -> str | None:
    """The WHERE fragment for `scope` on a table, or None when the scope admits every row."""
    clauses: list[str] = []
    if scope.partner_ids is not None:
        if columns.partner is None:
            raise ValueError("a partner scope was applied to a table without a partner column")
        ids = params.add(sorted(scope.partner_ids))
        clauses.append(f"{columns.partner} = ANY({ids}::bigint[])")
    if scope.owner_user_id is not None:
        if columns.owner is None:
            raise ValueError("an owner scope was applied to a table without an owner column")
        clauses.append(f"{columns.owner} = {params.add(scope.owner_user_id)}")
    return " AND ".join(clauses) if clauses else None
