"""Counts and times each GraphQL operation for /metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway.metrics import GRAPHQL_DURATION, GRAPHQL_REQUESTS


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        context = self.execution_context
        try:
            operation_type = context.operation_type.value
        except Exception:  # no parsable operation: the type is unknowable
            operation_type = "unknown"
        # A subscription's "duration" is how long someone stayed subscribed: it would swamp
        # the latency histogram, which is about answering queries and mutations.
        if operation_type != "subscription":
            GRAPHQL_DURATION.observe(elapsed)
        outcome = "error" if context.result is not None and context.result.errors else "ok"
        GRAPHQL_REQUESTS.labels(operation_type=operation_type, outcome=outcome).inc()
