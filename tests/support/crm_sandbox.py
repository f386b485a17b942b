"""The sandbox CRM for tests, on a fresh database of its own, over real HTTP.

In-process (uvicorn in a thread, on a free loopback port)::

    async with running_sandbox(server_dsn, seed_plan=SeedPlan(partners=3, ...)) as sandbox:
        sandbox.url                      # instance URL: token at /services/oauth2/token
        sandbox.client_id, sandbox.client_secret
        token = await sandbox.token()    # a fresh access token
        response = await sandbox.graphql("{ uiapi { query { Lead { totalCount } } } }", token)
        await sandbox.admin.set_faults(fail_next=3)        # any FaultSettings field
        await sandbox.admin.set_faults(hang_next=1, hang_seconds=30)
        await sandbox.admin.release_hung()                 # let held requests go on
        await sandbox.admin.expire_sessions()              # the next call answers 401
        await sandbox.admin.reset_faults()
        stats = await sandbox.admin.stats()                # {"graphql_requests": n, ...}
        await sandbox.admin.reset_stats()

Extra `SandboxConfig` fields go as keywords (`session_ttl_seconds=1`, `faults=FaultSettings(...)`).

As a separate process (`python -m gateway crm-sandbox`), for kill and restart tests; the database
survives restarts, sessions do not::

    async with sandbox_process(server_dsn, seed_plan=...) as sandbox:
        await sandbox.kill()     # SIGKILL
        await sandbox.start()    # same port, same database
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx

from gateway.crm_sandbox.app import create_sandbox_app
from gateway.crm_sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxConfig
from gateway.seed import SeedPlan
from gateway.server_thread import ServerThread
from tests.support.browser import free_port
from tests.support.postgres import create_database, drop_database, with_database

API = "/services/data/v66.0"
SECRET_HEADER = "X-Sandbox-Secret"


@dataclass(frozen=True)
class SandboxAdmin:
    """The sandbox's admin API (fault switches and call counts)."""

    url: str
    secret: str

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.request(
                method, f"{self.url}{path}", json=body, headers={SECRET_HEADER: self.secret}
            )
        response.raise_for_status()
        return response.json()

    async def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", "/__sandbox/faults")
        return result

    async def set_faults(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("POST", "/__sandbox/faults", changes)
        return result

    async def reset_faults(self) -> dict[str, Any]:
        return await self.set_faults(reset=True)

    async def expire_sessions(self) -> int:
        return int((await self.set_faults(expire_sessions=True))["sessions_expired"])

    async def release_hung(self) -> int:
        return int((await self.set_faults(release_held=True))["requests_released"])

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", "/__sandbox/stats")
        return result

    async def reset_stats(self) -> None:
        await self._call("POST", "/__sandbox/stats/reset")


@dataclass
class RunningSandbox:
    url: str
    client_id: str
    client_secret: str
    database_url: str
    admin: SandboxAdmin

    async def token(self) -> str:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                f"{self.url}/services/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
        response.raise_for_status()
        return str(response.json()["access_token"])

    async def graphql(
        self, query: str, token: str, variables: dict[str, Any] | None = None
    ) -> httpx.Response:
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.post(
                f"{self.url}{API}/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )


@asynccontextmanager
async def _fresh_database(server_dsn: str) -> AsyncIterator[str]:
    name = await create_database(server_dsn)
    try:
        yield with_database(server_dsn, name)
    finally:
        await drop_database(server_dsn, name)


@asynccontextmanager
async def running_sandbox(
    server_dsn: str, *, seed_plan: SeedPlan | None = None, **config: Any
) -> AsyncIterator[RunningSandbox]:
    """The sandbox app under uvicorn in a thread, on a new database dropped afterwards."""
    async with _fresh_database(server_dsn) as dsn:
        settings = SandboxConfig(database_url=dsn, seed_plan=seed_plan, **config)
        server = ServerThread(create_sandbox_app(settings), port=free_port(), name="crm-sandbox")
        await asyncio.to_thread(server.start)
        url = server.url
        admin = SandboxAdmin(url, settings.client_secret)
        try:
            yield RunningSandbox(url, settings.client_id, settings.client_secret, dsn, admin)
        finally:
            # Held requests would keep uvicorn's shutdown waiting for them; a server that already
            # failed must not hide the test's own error behind this one.
            with suppress(httpx.HTTPError):
                await admin.release_hung()
            await asyncio.to_thread(server.stop)


@dataclass
class SandboxProcess(RunningSandbox):
    """A `python -m gateway crm-sandbox` process that tests can kill and start again."""

    arguments: list[str] = field(default_factory=list)
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "crm-sandbox", *self.arguments,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self.process = process
        async with httpx.AsyncClient(timeout=2) as http:
            for _ in range(400):
                if process.returncode is not None:
                    output = (await process.stderr.read()).decode() if process.stderr else ""
                    raise RuntimeError(f"the sandbox CRM exited early:\n{output}")
                try:
                    ready = await http.get(
                        f"{self.url}/__sandbox/stats", headers={SECRET_HEADER: self.client_secret}
                    )
                    if ready.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("the sandbox CRM did not become ready within 20 seconds")

    async def kill(self) -> None:
        """SIGKILL: no shutdown, as a crash."""
        await self._stop(signal.SIGKILL)

    async def stop(self) -> None:
        await self._stop(signal.SIGTERM)

    async def _stop(self, how: signal.Signals) -> None:
        process = self.process
        if process is not None and process.returncode is None:
            process.send_signal(how)
            await asyncio.wait_for(process.wait(), timeout=20)
        self.process = None


@asynccontextmanager
async def sandbox_process(
    server_dsn: str, *, seed_plan: SeedPlan | None = None, extra_args: tuple[str, ...] = ()
) -> AsyncIterator[SandboxProcess]:
    """The CLI in a subprocess on a free port and a fresh database (dropped afterwards)."""
    async with _fresh_database(server_dsn) as dsn:
        port = free_port()
        arguments = ["--port", str(port), "--database-url", dsn, "--log-level", "warning"]
        if seed_plan is None:
            arguments.append("--no-seed")
        else:
            arguments += [
                "--partners", str(seed_plan.partners),
                "--deals-per-partner", str(seed_plan.deals_per_partner),
                "--leads-per-partner", str(seed_plan.leads_per_partner),
                "--random-seed", str(seed_plan.seed),
            ]  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        sandbox = SandboxProcess(
            url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, dsn,
            SandboxAdmin(url, DEFAULT_CLIENT_SECRET), [*arguments, *extra_args],
        )  # fmt: skip
        await sandbox.start()
        try:
            yield sandbox
        finally:
            await sandbox.stop()
