"""Defence in depth: rows that come back from a source are checked against the caller's scope.

The scope is already in the query's WHERE clause; this second, independent check means a broken
predicate withholds rows and shouts in the log instead of leaking another partner's data.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from gateway.store.scope import RowScope
from gateway.store.table import Row, Table

log = logging.getLogger("gateway.authz.leak")


def admits(table: Table, scope: RowScope, row: Row) -> bool:
    if scope.unrestricted:
        return True
    partner_column, owner_column = table.scoped.partner, table.scoped.owner
    if scope.partner_ids is not None:
        if partner_column is None or row[partner_column] not in scope.partner_ids:
            return False
    if scope.owner_user_id is not None and owner_column is not None:
        return bool(row[owner_column] == scope.owner_user_id)
    return True


def within_scope(table: Table, scope: RowScope, rows: Sequence[Row]) -> list[Row]:
    if scope.unrestricted:
        return list(rows)
    kept = [row for row in rows if admits(table, scope, row)]
    if len(kept) != len(rows):
        withheld = sorted(row["id"] for row in rows if not admits(table, scope, row))
        log.error(
            "withheld %d %s row(s) outside the caller's scope (ids %s): a scope predicate "
            "is broken",
            len(withheld),
            table.name,
            withheld[:20],
        )
    return kept
