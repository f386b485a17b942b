"""The OAuth client-credentials endpoint and session expiry."""

from __future__ import annotations

import asyncio

import httpx

from tests.crm_sandbox.conftest import CrmClient
from tests.support.crm_sandbox import API, RunningSandbox, running_sandbox

COUNT = "{ uiapi { query { Account { totalCount } } } }"
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def _form(client_id: str, secret: str, grant: str = "client_credentials") -> dict[str, str]:
    return {"grant_type": grant, "client_id": client_id, "client_secret": secret}


async def test_token_answers_the_contract_shape(read_sandbox: RunningSandbox) -> None:
    async with httpx.AsyncClient(base_url=read_sandbox.url) as http:
        response = await http.post(
            "/services/oauth2/token", data=_form("sandbox", "sandbox-secret")
        )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    }
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == read_sandbox.url
    assert body["id"].startswith(f"{read_sandbox.url}/id/00D")
    assert body["issued_at"].isdigit()


async def test_wrong_credentials_answer_the_oauth_error(read_sandbox: RunningSandbox) -> None:
    async with httpx.AsyncClient(base_url=read_sandbox.url) as http:
        wrong_secret = await http.post("/services/oauth2/token", data=_form("sandbox", "nope"))
        wrong_id = await http.post("/services/oauth2/token", data=_form("other", "sandbox-secret"))
        wrong_grant = await http.post(
            "/services/oauth2/token", data=_form("sandbox", "sandbox-secret", "password")
        )
    for response in (wrong_secret, wrong_id):
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "invalid client credentials",
        }
    assert wrong_grant.status_code == 400
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


async def test_missing_unknown_and_expired_tokens_answer_401(crm: CrmClient) -> None:
    missing = await crm.http.post(f"{API}/graphql", json={"query": COUNT})
    unknown = await crm.http.post(
        f"{API}/graphql", json={"query": COUNT}, headers={"Authorization": "Bearer 00Dx!nope"}
    )
    for response in (missing, unknown):
        assert response.status_code == 401
        assert response.json() == INVALID_SESSION


async def test_sessions_expire_after_their_ttl(server_dsn: str) -> None:
    async with running_sandbox(server_dsn, session_ttl_seconds=0.3) as sandbox:
        token = await sandbox.token()
        assert (await sandbox.graphql(COUNT, token)).status_code == 200
        await asyncio.sleep(0.4)
        expired = await sandbox.graphql(COUNT, token)
        assert expired.status_code == 401
        assert expired.json() == INVALID_SESSION
        assert (await sandbox.graphql(COUNT, await sandbox.token())).status_code == 200


async def test_token_calls_are_counted(write_sandbox: RunningSandbox) -> None:
    await write_sandbox.admin.reset_stats()
    await write_sandbox.token()
    async with httpx.AsyncClient(base_url=write_sandbox.url) as http:
        await http.post("/services/oauth2/token", data=_form("sandbox", "wrong"))
    stats = await write_sandbox.admin.stats()
    assert (stats["token"], stats["token_refused"]) == (1, 1)
