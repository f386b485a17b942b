"""The gateway's Prometheus metrics, in one registry so tests and /metrics read the same numbers."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

SQL_STATEMENTS = Counter(
    "gateway_sql_statements",
    "SQL statements sent to Postgres, by source: serving requests, or background work "
    "(audit and last-use flushes, scheduled jobs).",
    ["source"],
    registry=REGISTRY,
)
SQL_ERRORS = Counter(
    "gateway_sql_errors",
    "SQL statements that raised an error.",
    registry=REGISTRY,
)
GRAPHQL_REQUESTS = Counter(
    "gateway_graphql_requests",
    "GraphQL operations executed, by operation type and outcome.",
    ["operation_type", "outcome"],
    registry=REGISTRY,
)
GRAPHQL_DURATION = Histogram(
    "gateway_graphql_duration_seconds",
    "Time to execute a GraphQL operation, from parse to result.",
    registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CRM_REQUESTS = Counter(
    "gateway_crm_requests",
    "HTTP requests to the CRM (token, GraphQL, REST), by outcome: ok, graphql_error, "
    "session_expired, limit_exceeded, server_error, timeout, connection_error, auth_error, "
    "client_error; circuit_open counts calls held back while the allowance circuit is open.",
    ["outcome"],
    registry=REGISTRY,
)
CRM_SYNC_LAG = Gauge(
    "gateway_crm_sync_lag_seconds",
    "Seconds since each CRM object was last mirrored successfully.",
    ["object"],
    registry=REGISTRY,
)
CRM_OUTBOX_ENTRIES = Gauge(
    "gateway_crm_outbox_entries",
    "CRM outbox entries by status (pending, delivered, failed), as of the last delivery pass; "
    "a failed entry stays until someone acts on it.",
    ["status"],
    registry=REGISTRY,
)
CRM_OUTBOX_DELIVERIES = Counter(
    "gateway_crm_outbox_deliveries",
    "Outbox delivery attempts settled by this process, by outcome: delivered, retried, failed, "
    "lease_lost (another worker took the entry over).",
    ["outcome"],
    registry=REGISTRY,
)
