"""Relay connection types shared by every list: edges, nodes, pageInfo and a lazy totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where a page sits in the whole list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow `endCursor`.")
    has_previous_page: bool = strawberry.field(
        description="Items precede this page (true when the page was asked for with `after`)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


@strawberry.type(description="An item with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque position of this item in the list.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with cursors to fetch the next one.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        resolver=lambda root: root.make_edges(), description="The items with their cursors."
    )
    nodes: list[NodeT] = strawberry.field(description="The items, when cursors are not needed.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    counter: strawberry.Private[Callable[[], Awaitable[int]]]
    # The cursor of the item at an index: made only when `edges` is asked for (most reads
    # select `nodes`; a page of 100 cursors was 1-5 % of such a request).
    cursor_of: strawberry.Private[Callable[[int], str]]

    def make_edges(self) -> list[Edge[NodeT]]:
        """The compiled path reads `edges` through this too (gateway/compiled/plan.py)."""
        cursor_of = self.cursor_of
        return [Edge(cursor=cursor_of(index), node=node) for index, node in enumerate(self.nodes)]

    @strawberry.field(
        description="How many items match the filter in all pages (counted only when asked for)."
    )
    async def total_count(self) -> int:
        return await self.counter()
