"""One running sandbox's state: its config, pool, sessions, faults, stats and API usage."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from starlette.requests import Request

from gateway.crm_sandbox.config import SandboxConfig
from gateway.crm_sandbox.faults import Faults
from gateway.crm_sandbox.sessions import Sessions
from gateway.crm_sandbox.stats import ApiUsage, Stats


@dataclass
class Sandbox:
    config: SandboxConfig
    sessions: Sessions
    faults: Faults
    stats: Stats
    usage: ApiUsage
    pool: asyncpg.Pool | None = None

    @classmethod
    def from_config(cls, config: SandboxConfig) -> Sandbox:
        stats = Stats()
        usage = ApiUsage(config.api_limit)
        return cls(
            config=config,
            sessions=Sessions(config.client_id, config.client_secret, config.session_ttl_seconds),
            faults=Faults(config.faults, usage, stats),
            stats=stats,
            usage=usage,
        )

    @property
    def database(self) -> asyncpg.Pool:
        assert self.pool is not None, "the sandbox's lifespan has not started"
        return self.pool


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox
