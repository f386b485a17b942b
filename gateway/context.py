"""The per-request context every resolver reads through `strawberry.Info[Context, None]`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from gateway.auth.principal import Principal
from gateway.authz.grant import Grant
from gateway.config import Settings
from gateway.loaders.registry import Loaders
from gateway.store.database import Executor


@dataclass
class Context:
    request: Request
    response: Response | None
    db: Executor
    principal: Principal
    grant: Grant
    loaders: Loaders
    settings: Settings
