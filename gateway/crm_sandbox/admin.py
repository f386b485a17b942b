"""The sandbox's admin API (no part of the CRM contract), guarded by the client secret in the
`X-Sandbox-Secret` header: fault switches and call counts."""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.crm_sandbox.faults import FaultSettings
from gateway.crm_sandbox.state import Sandbox, sandbox_of

SECRET_HEADER = "X-Sandbox-Secret"
# One-off actions a POST to /__sandbox/faults may carry beside settings.
ACTIONS = ("expire_sessions", "release_held", "reset")


def _authorized(request: Request, sandbox: Sandbox) -> bool:
    given = request.headers.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode(), sandbox.config.client_secret.encode())


def _refused() -> JSONResponse:
    return JSONResponse(
        {"error": f"the admin API needs the client secret in the {SECRET_HEADER} header"},
        status_code=401,
    )


async def faults_endpoint(request: Request) -> Response:
    sandbox = sandbox_of(request)
    if not _authorized(request, sandbox):
        return _refused()
    done: dict[str, Any] = {}
    if request.method == "POST":
        try:
            changes = json.loads(await request.body() or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("expected a JSON object")
            done = apply_fault_changes(sandbox, changes)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({**sandbox.faults.describe(), **done})


def apply_fault_changes(sandbox: Sandbox, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply settings and actions; what the actions did (sessions expired, requests released)."""
    actions = {key: changes.pop(key) for key in ACTIONS if key in changes}
    if actions.get("reset"):
        sandbox.faults.update(_defaults())
    sandbox.faults.update(changes)
    done: dict[str, Any] = {}
    if actions.get("expire_sessions"):
        done["sessions_expired"] = sandbox.sessions.expire_all()
    if actions.get("release_held"):
        done["requests_released"] = sandbox.faults.release_held()
    return done


def _defaults() -> dict[str, Any]:
    return asdict(FaultSettings())


async def stats_endpoint(request: Request) -> Response:
    sandbox = sandbox_of(request)
    if not _authorized(request, sandbox):
        return _refused()
    if request.method == "POST":
        sandbox.stats.reset()
    return JSONResponse(sandbox.stats.snapshot())
