"""A partner's standing in the programme and its API keys, batched by partner id.

Neither takes a row scope: both are reached only from a Partner the caller already sees (through
the Partner scope), and `Partner.apiKeys` is guarded by the policy before its loader is asked.
"""

from __future__ import annotations

from aiodataloader import DataLoader

from gateway.store import partner_user_writes
from gateway.store import tiers as tier_store
from gateway.store.api_keys import ApiKeyRecord
from gateway.store.database import Executor
from gateway.store.table import Row


class TierProgressByPartnerIdLoader(DataLoader[int, Row | None]):
    """Each partner's tier by the rules now and its progress to the next, in one statement."""

    def __init__(self, db: Executor) -> None:
        super().__init__()
        self._db = db

    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        found = await tier_store.progress_of(self._db, keys)
        return [found.get(key) for key in keys]


class ApiKeysByPartnerIdLoader(DataLoader[int, list[ApiKeyRecord]]):
    """Each partner's API keys (never their secrets), in one statement."""

    def __init__(self, db: Executor) -> None:
        super().__init__()
        self._db = db

    async def batch_load_fn(self, keys: list[int]) -> list[list[ApiKeyRecord]]:
        found = await partner_user_writes.api_keys_of_partners(self._db, keys)
        return [found.get(key, []) for key in keys]
