"""Where automatic persisted queries live between requests: a bounded LRU, or Redis.

Redis (REDIS_URL) lets every gateway instance find a query any of them registered. A Redis that
is down costs a round trip, never a failed request: a lookup answers "not found" (the client
then sends the text again) and a registration is skipped, each with a logged warning.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Protocol

from cachetools import LRUCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# A Redis that hangs must not hold requests (as for the rate limiter).
REDIS_TIMEOUT_SECONDS = 0.5
WARNING_INTERVAL_SECONDS = 30.0


class QueryCache(Protocol):
    async def get(self, query_hash: str) -> str | None: ...

    async def put(self, query_hash: str, query: str) -> None: ...

    async def close(self) -> None: ...


class MemoryQueryCache:
    """This process's own: the least recently used query goes first once `maxsize` are held."""

    def __init__(self, maxsize: int) -> None:
        self._queries: LRUCache[str, str] = LRUCache(maxsize=maxsize)

    async def get(self, query_hash: str) -> str | None:
        return self._queries.get(query_hash)

    async def put(self, query_hash: str, query: str) -> None:
        self._queries[query_hash] = query

    async def close(self) -> None:
        return None


class RedisQueryCache:
    """Shared by every instance; each query expires `ttl_seconds` after it was last registered."""

    def __init__(self, url: str, *, key_prefix: str, ttl_seconds: int) -> None:
        self._redis = Redis.from_url(
            url.removeprefix("async+"),
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._prefix = f"{key_prefix}:apq:"
        self._ttl = ttl_seconds
        self._last_warning = -math.inf

    async def get(self, query_hash: str) -> str | None:
        try:
            value = await self._redis.get(self._prefix + query_hash)
        except RedisError as exc:
            self._warn(exc)
            return None
        return value.decode("utf-8") if isinstance(value, bytes) else None

    async def put(self, query_hash: str, query: str) -> None:
        try:
            await self._redis.set(self._prefix + query_hash, query.encode("utf-8"), ex=self._ttl)
        except RedisError as exc:
            self._warn(exc)

    async def close(self) -> None:
        await self._redis.aclose()

    def _warn(self, exc: RedisError) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARNING_INTERVAL_SECONDS:
            self._last_warning = now
            log.warning("persisted query store unavailable, clients resend queries: %s", exc)
