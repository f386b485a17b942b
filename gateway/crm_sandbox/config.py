"""What a sandbox CRM is started with: its database, its client credentials, its fault switches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from gateway.crm_sandbox.faults import FaultSettings
from gateway.seed import SeedPlan

DEFAULT_CLIENT_ID = "sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_PORT = 8700


@dataclass(frozen=True)
class SandboxConfig:
    """`database_url` is the sandbox's own database (never the gateway's); it must exist."""

    database_url: str
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    session_ttl_seconds: float = 2 * 3600
    # Seeded on start-up when the tables are empty; None leaves them empty.
    seed_plan: SeedPlan | None = None
    # The generator's `now` (default: the start-up time); a fixed one makes the seed exact.
    seed_now: datetime | None = None
    # The org's daily API allowance shown in `Sforce-Limit-Info` (faults can shrink it).
    api_limit: int = 1_000_000
    faults: FaultSettings = field(default_factory=FaultSettings)
    pool_size: int = 8
    # What tokens name as `instance_url`; None means the URL the token request came to.
    instance_url: str | None = None
