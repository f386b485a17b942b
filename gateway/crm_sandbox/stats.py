"""What the sandbox counts: calls by kind (so tests can count CRM requests) and the org's API
usage against its allowance (`Sforce-Limit-Info`)."""

from __future__ import annotations

from collections import Counter

# Every counter `GET /__sandbox/stats` reports, zero until something happens.
STAT_KEYS: tuple[str, ...] = (
    "token",
    "token_refused",
    "graphql_requests",
    "graphql_query_requests",
    "graphql_mutation_requests",
    "subqueries",
    "mutations",
    "rest_deleted",
    "rest_updated",
    "unauthorized",
    "limit_exceeded",
    "faults_latency",
    "faults_error",
    "faults_hang",
)


class Stats:
    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._subqueries_by_object: Counter[str] = Counter()

    def count(self, key: str, n: int = 1) -> None:
        assert key in STAT_KEYS, key
        self._counts[key] += n

    def count_subquery(self, object_name: str) -> None:
        self._counts["subqueries"] += 1
        self._subqueries_by_object[object_name] += 1

    def snapshot(self) -> dict[str, object]:
        counts: dict[str, object] = {key: self._counts[key] for key in STAT_KEYS}
        counts["faults_injected"] = sum(
            self._counts[key] for key in STAT_KEYS if key.startswith("faults_")
        )
        counts["subqueries_by_object"] = dict(sorted(self._subqueries_by_object.items()))
        return counts

    def reset(self) -> None:
        self._counts.clear()
        self._subqueries_by_object.clear()


class ApiUsage:
    """Calls used against the allowance; an allowance fault lowers the limit to `used + N`."""

    def __init__(self, limit: int) -> None:
        self.default_limit = limit
        self.limit = limit
        self.used = 0

    def allow(self, calls: int) -> bool:
        """Charge `calls` if the allowance has room for them; a refused request is not charged."""
        if self.used + calls > self.limit:
            return False
        self.used += calls
        return True

    def set_allowance(self, remaining: int | None) -> None:
        self.limit = self.default_limit if remaining is None else self.used + remaining

    @property
    def header(self) -> str:
        return f"api-usage={self.used}/{self.limit}"
