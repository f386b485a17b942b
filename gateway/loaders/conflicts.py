"""Conflict records of deals, batched: whether each deal conflicts, and with which deals."""

from __future__ import annotations

from aiodataloader import DataLoader

from gateway.store import registrations
from gateway.store.database import Executor


class HasConflictByDealIdLoader(DataLoader[int, bool]):
    def __init__(self, db: Executor) -> None:
        super().__init__()
        self._db = db

    async def batch_load_fn(self, keys: list[int]) -> list[bool]:
        conflicted = await registrations.conflicted_deal_ids(self._db, keys)
        return [key in conflicted for key in keys]


class ConflictingDealIdsByDealIdLoader(DataLoader[int, list[int]]):
    """The other deals' ids; they are then loaded through the caller's own Deal scope."""

    def __init__(self, db: Executor) -> None:
        super().__init__()
        self._db = db

    async def batch_load_fn(self, keys: list[int]) -> list[list[int]]:
        found = await registrations.conflicts_of(self._db, keys)
        return [found.get(key, []) for key in keys]
