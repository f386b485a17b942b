"""The budgets and the store that counts them (the `limits` library), failing open if it is down.

The algorithm is `limits`' sliding window counter: it weighs the previous window's count by how
much of it still overlaps the last minute, so, unlike a fixed window, a caller cannot spend two
budgets across a window boundary, and, unlike the moving window, it keeps two counters per caller
in Redis rather than one timestamp per request (1,200 entries for a `1200/minute` key).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from gateway.auth.principal import Principal
from gateway.config import Settings

log = logging.getLogger(__name__)

# A Redis that hangs must not hold requests: past this, the limiter gives up and lets them in.
REDIS_TIMEOUT_SECONDS = 0.5
# While the store is down every request would log; one warning per interval says enough.
WARNING_INTERVAL_SECONDS = 30.0


@dataclass(frozen=True)
class Refusal:
    """A request over its budget: how long until the caller may try again."""

    limit: str
    retry_after: int


class RateLimiter:
    """One per server process, created in the app's lifespan and closed with it."""

    def __init__(
        self,
        storage: Storage,
        *,
        per_user: RateLimitItem | None,
        per_api_key: RateLimitItem | None,
        cost_per_partner: RateLimitItem | None = None,
        redis_pool: ConnectionPool | None = None,
    ) -> None:
        self.strategy = SlidingWindowCounterRateLimiter(storage)
        self.per_user = per_user
        self.per_api_key = per_api_key
        self.cost_per_partner = cost_per_partner
        self._redis_pool = redis_pool
        self._last_warning = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        per_user = parse(settings.rate_limit_per_user) if settings.rate_limit_per_user else None
        per_api_key = (
            parse(settings.rate_limit_per_api_key) if settings.rate_limit_per_api_key else None
        )
        cost = (
            parse(settings.rate_limit_cost_per_partner)
            if settings.rate_limit_cost_per_partner
            else None
        )
        if settings.redis_url is None:
            return cls(
                MemoryStorage(), per_user=per_user, per_api_key=per_api_key, cost_per_partner=cost
            )
        url = settings.redis_url.removeprefix("async+")
        # Our own pool, so the lifespan can close its connections.
        pool = ConnectionPool.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix=settings.rate_limit_key_prefix,
            wrap_exceptions=True,
            # Typed as scalar options, but the redis-py bridge takes a pool by this name.
            connection_pool=pool,  # type: ignore[arg-type]
        )
        return cls(
            storage,
            per_user=per_user,
            per_api_key=per_api_key,
            cost_per_partner=cost,
            redis_pool=pool,
        )

    def budget_for(self, principal: Principal) -> tuple[RateLimitItem | None, str]:
        """The budget that applies to the caller, and the identity it is counted under."""
        if principal.credential == "api_key" and principal.key_id is not None:
            return self.per_api_key, f"apikey:{principal.key_id}"
        return self.per_user, f"user:{principal.subject}"

    async def spend(self, principal: Principal) -> Refusal | None:
        """Counts one request; a Refusal when the caller's budget is spent."""
        item, identity = self.budget_for(principal)
        return await self._hit(item, identity, 1)

    async def spend_cost(self, principal: Principal, cost: int) -> Refusal | None:
        """Counts an operation's cost against its partner's budget (people and API keys of one
        partner share it); vendor staff, who belong to no partner, are not counted."""
        if principal.partner_id is None:
            return None
        return await self._hit(self.cost_per_partner, f"partner-cost:{principal.partner_id}", cost)

    async def _hit(self, item: RateLimitItem | None, identity: str, cost: int) -> Refusal | None:
        if item is None:
            return None
        try:
            if await self.strategy.hit(item, identity, cost=cost):
                return None
            stats = await self.strategy.get_window_stats(item, identity)
        except StorageError as exc:
            self._warn_store_down(exc)
            return None
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Refusal(limit=str(item), retry_after=retry_after)

    def _warn_store_down(self, exc: StorageError) -> None:
        # Failing open: a rate limiter that is down must not take the API down with it.
        now = time.monotonic()
        if now - self._last_warning >= WARNING_INTERVAL_SECONDS:
            self._last_warning = now
            log.warning("rate limit store unavailable, requests are not limited: %s", exc)

    async def close(self) -> None:
        if self._redis_pool is not None:
            await self._redis_pool.aclose()
