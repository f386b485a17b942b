"""What every resolver of one GraphQL request reads: the pool, today, the raw variables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg


@dataclass(frozen=True)
class RequestContext:
    pool: asyncpg.Pool
    today: date
    # As sent: coerced input objects lose the client's key order, which orderBy depends on.
    raw_variables: dict[str, Any]
