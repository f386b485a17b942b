"""From `first`/`after`/`orderBy` to a store page request, and from rows back to a connection."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import orjson

from gateway.errors import BadUserInput, InvalidCursor
from gateway.schema.pagination import Connection, PageInfo
from gateway.store.sql import Keyset, OrderBy, PageRequest
from gateway.store.table import Row

NodeT = TypeVar("NodeT")

# How a sort column's value survives the trip through a cursor.
_DECODERS: dict[type, Callable[[Any], Any]] = {
    int: int,
    str: str,
    Decimal: Decimal,
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
}


def _encode_value(value: Any) -> Any:
    if type(value) is int or type(value) is str:
        return value  # ids, names: every list's cursor carries one; no checks needed
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(order: OrderBy, row: Row) -> str:
    payload = orjson.dumps([order.column, _encode_value(row[order.column]), row["id"]])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str, order: OrderBy, value_type: type) -> Keyset:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        column, raw_value, row_id = orjson.loads(base64.urlsafe_b64decode(padded))
        if column != order.column:
            raise InvalidCursor(
                "this cursor was issued for a different ordering; restart paging without `after`"
            )
        if not isinstance(row_id, int):
            raise ValueError("id")
        return Keyset(value=_DECODERS[value_type](raw_value), id=row_id)
    except InvalidCursor:
        raise
    except (ValueError, TypeError, KeyError, binascii.Error, InvalidOperation):
        raise InvalidCursor("`after` is not a cursor this API issued") from None


def page_request(
    first: int,
    after: str | None,
    order: OrderBy,
    value_type: type,
    max_page_size: int,
) -> PageRequest:
    if first < 0 or first > max_page_size:
        raise BadUserInput(
            f"`first` must be between 0 and {max_page_size}, got {first}",
            argument="first",
            maxPageSize=max_page_size,
        )
    keyset = None if after is None else decode_cursor(after, order, value_type)
    return PageRequest(first=first, order=order, after=keyset)


def build_connection(
    rows: Sequence[Row],
    page: PageRequest,
    to_node: Callable[[Row], NodeT],
    counter: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """`rows` holds up to `first + 1` rows; the extra one only proves a next page exists."""
    visible = rows[: page.first]
    order = page.order

    def cursor_of(index: int) -> str:
        return encode_cursor(order, visible[index])

    info = PageInfo(
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        start_cursor=cursor_of(0) if visible else None,
        end_cursor=cursor_of(len(visible) - 1) if visible else None,
    )
    return Connection(
        nodes=[to_node(row) for row in visible],
        page_info=info,
        counter=counter,
        cursor_of=cursor_of,
    )
