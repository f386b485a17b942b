"""CRM_OUTBOX_* settings: how often the worker looks, how much it takes, how long it holds,
and how a deal is written in the CRM (mapping.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.config import read_int
from gateway.crm.outbox.mapping import WriteMapping


@dataclass(frozen=True)
class OutboxSettings:
    # 0: no worker in this server (`partner-gateway outbox deliver` still drains).
    interval_seconds: int = 5
    # Entries one pass settles at most, so a long backlog yields to the next pass's metrics.
    batch_size: int = 500
    # A claimed entry is another worker's to take over only after this long (a crashed worker).
    # It must outlast one delivery (a call is cut off after CRM_TIMEOUT_SECONDS).
    lease_seconds: int = 300
    mapping: WriteMapping = field(default_factory=WriteMapping)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OutboxSettings:
        return cls(
            interval_seconds=read_int(env, "CRM_OUTBOX_INTERVAL_SECONDS", 5, minimum=0),
            batch_size=read_int(env, "CRM_OUTBOX_BATCH_SIZE", 500, minimum=1),
            lease_seconds=read_int(env, "CRM_OUTBOX_LEASE_SECONDS", 300, minimum=1),
            mapping=WriteMapping.from_env(env),
        )
