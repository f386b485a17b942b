"""Root and nested connections: arguments in, one scoped statement (or loader call) out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from gateway.audit.denials import record_denial
from gateway.authz.row_check import within_scope
from gateway.context import Context
from gateway.errors import Forbidden
from gateway.loaders.batching import CountByParentLoader, PageByParentLoader, PageKey, RowByIdLoader
from gateway.resolvers.pagination import build_connection, page_request
from gateway.schema.pagination import Connection
from gateway.store import table as rows
from gateway.store.sql import OrderBy
from gateway.store.table import Row, RowFilter, Table

NodeT = TypeVar("NodeT")
# Rows after the store, before the schema: a live source (gateway/crm/live.py) overlays the
# CRM's current values on them.
Overlay = Callable[[list[Row]], Awaitable[list[Row]]]

# The Python type of each sortable column, so a cursor's value decodes to what Postgres compares.
_COLUMN_TYPES: dict[str, type] = {
    "id": int,
    "name": str,
    "email": str,
    "code": str,
    "customer_name": str,
    "score": int,
    "amount": Decimal,
    "joined_at": date,
    "expected_close_date": date,
    "created_at": datetime,
    "updated_at": datetime,
    "enrolled_at": datetime,
    "issued_at": datetime,
    "expires_at": datetime,
}


def require_read(context: Context, object_type: str) -> None:
    """Listing a type the caller may not read at all is an error, not an empty list."""
    if not context.grant.can_read_object(object_type):
        record_denial(context, "read", object_type, f"object {object_type}", once_key=object_type)
        raise Forbidden(f"You may not read {object_type} objects")


def _field_name(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def require_readable_order(context: Context, object_type: str, order: OrderBy) -> None:
    """Sorting by a field reveals it (the order itself, and the cursors carry its values): one
    the caller may not read may not be sorted by either."""
    if order.column == "id":
        return  # every listed row's id is visible to whoever lists it
    field = _field_name(order.column)
    if not context.grant.can_read_field(object_type, field):
        key = f"{object_type}.{field}"
        record_denial(context, "read", object_type, f"ordering by {key}", once_key=key)
        raise Forbidden(f"You may not order by {key}")


def order_by(order: Any | None) -> OrderBy:
    """An `XxxOrder` input (field enum whose values are column names) or the default, by id."""
    if order is None:
        return OrderBy("id")
    field: Enum = order.field
    return OrderBy(column=str(field.value), descending=order.direction.value == "DESC")


async def root_connection(
    context: Context,
    *,
    table: Table,
    object_type: str,
    row_filter: RowFilter,
    first: int,
    after: str | None,
    order: OrderBy,
    to_node: Callable[[Row], NodeT],
    by_id: RowByIdLoader | None = None,
    overlay: Overlay | None = None,
) -> Connection[NodeT]:
    page = page_request(
        first, after, order, _COLUMN_TYPES[order.column], context.settings.max_page_size
    )
    require_read(context, object_type)
    require_readable_order(context, object_type, order)
    scope = context.grant.row_scope(object_type)
    fetched = await rows.fetch_page(context.db, table, row_filter, page, scope)
    found = within_scope(table, scope, fetched)
    if overlay is not None:
        found = await overlay(found)
    if by_id is not None:
        by_id.prime_rows(found)

    async def count() -> int:
        return await rows.count(context.db, table, row_filter, scope)

    return build_connection(found, page, to_node, count)


async def child_connection(
    context: Context,
    *,
    object_type: str,
    pages: PageByParentLoader,
    counts: CountByParentLoader,
    parent_id: int,
    row_filter: RowFilter,
    first: int,
    after: str | None,
    order: OrderBy,
    to_node: Callable[[Row], NodeT],
    overlay: Overlay | None = None,
) -> Connection[NodeT]:
    page = page_request(
        first, after, order, _COLUMN_TYPES[order.column], context.settings.max_page_size
    )
    require_readable_order(context, object_type, order)
    found = await pages.load((parent_id, PageKey(row_filter=row_filter, page=page)))
    if overlay is not None:
        # Every parent's page in the same tick: the live loader batches them into one request.
        found = await overlay(found)

    async def count() -> int:
        return await counts.load((parent_id, row_filter))

    return build_connection(found, page, to_node, count)
