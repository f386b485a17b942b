"""`POST /services/oauth2/token`: the client-credentials flow, answering like a real org."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.crm_sandbox.state import sandbox_of


def _oauth_error(error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)


async def token_endpoint(request: Request) -> Response:
    sandbox = sandbox_of(request)
    # application/x-www-form-urlencoded, read with the standard library (Starlette's own form
    # parser needs python-multipart, which nothing else here wants).
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    grant_type = form.get("grant_type")
    client_id = form.get("client_id")
    client_secret = form.get("client_secret")
    if grant_type != "client_credentials":
        sandbox.stats.count("token_refused")
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    if not (
        isinstance(client_id, str)
        and isinstance(client_secret, str)
        and sandbox.sessions.credentials_match(client_id, client_secret)
    ):
        sandbox.stats.count("token_refused")
        return _oauth_error("invalid_client", "invalid client credentials")
    sandbox.stats.count("token")
    instance_url = sandbox.config.instance_url or str(request.base_url).rstrip("/")
    return JSONResponse(sandbox.sessions.issue(instance_url))
