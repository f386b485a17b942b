"""`gateway_crm_sync_lag_seconds{object}`: seconds since the object's last successful sync,
computed when scraped (a value set once would stop growing while the sync is stuck)."""

from __future__ import annotations

import time
from datetime import datetime

from gateway.metrics import CRM_SYNC_LAG

_last_success: dict[str, float] = {}


def observe_success(object_key: str, at: datetime | None) -> None:
    """Record the last success (from this process's sync or from the store's sync state)."""
    if at is None:
        return
    first = object_key not in _last_success
    _last_success[object_key] = at.timestamp()
    if first:
        CRM_SYNC_LAG.labels(object=object_key).set_function(
            lambda: time.time() - _last_success[object_key]
        )
