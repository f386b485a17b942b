"""The per-request context every resolver reads through `strawberry.Info[Context, None]`."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from gateway.audit.buffer import AuditBuffer
from gateway.auth.principal import Principal
from gateway.authz.grant import Grant
from gateway.config import Settings
from gateway.crm.live import LiveReads
from gateway.loaders.registry import Loaders


@dataclass
class Context:
    request: Request | WebSocket  # a websocket for subscriptions (gateway/subscriptions)
    response: Response | None
    db: asyncpg.Pool
    principal: Principal
    grant: Grant
    loaders: Loaders
    settings: Settings
    audit: AuditBuffer
    # Field denials already recorded in this request: one audit event per field, not per row.
    audited_denials: set[str] = field(default_factory=set)
    # Live CRM reads for the object types configured `live` (None: no CRM, or a subscription).
    live: LiveReads | None = None
