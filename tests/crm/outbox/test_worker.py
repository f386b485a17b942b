"""The outbox delivered by the server's own worker, and by `partner-gateway outbox deliver`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import asyncpg
import typer
from typer.testing import CliRunner, Result

from gateway.cli.outbox import outbox_app
from gateway.config import Settings
from gateway.crm.outbox.settings import OutboxSettings
from gateway.crm.settings import CrmSettings
from tests.crm.outbox.support import OUTBOX, crm_leads, db_id, entries_of, register, serving
from tests.support.crm_sandbox import RunningSandbox
from tests.support.graphql import GraphQLClient

Bearer = Callable[[str], dict[str, str]]


async def test_the_servers_worker_delivers_a_registration(
    outbox_dsn: str,
    settings: Settings,
    crm_settings: CrmSettings,
    bearer: Bearer,
    clean_sandbox: RunningSandbox,
) -> None:
    running = replace(settings, crm=crm_settings, outbox=OutboxSettings(interval_seconds=1))
    async with serving(running, outbox_dsn) as gateway:
        deal = await register(gateway.as_(bearer("rep@acme.example")))
        admin = gateway.as_(bearer("admin@vendor.example"))
        nodes: list[dict[str, object]] = []
        for _ in range(150):  # the worker looks every second
            seen = await admin.data(OUTBOX, {"filter": {"dealIds": [deal]}})
            nodes = seen["outbox"]["nodes"]
            if nodes and nodes[0]["status"] == "DELIVERED":
                break
            await asyncio.sleep(0.1)
    [lead] = await crm_leads(clean_sandbox, [db_id(deal)])
    assert [(n["operation"], n["status"], n["crmRecordId"]) for n in nodes] == [
        ("CREATE", "DELIVERED", lead["Id"])
    ]


def _invoke(env: dict[str, str]) -> Result:
    app = typer.Typer()
    app.add_typer(outbox_app, name="outbox")  # as gateway/cli/main.py registers it
    return CliRunner().invoke(app, ["outbox", "deliver"], env=env)


async def test_outbox_deliver_runs_one_pass_and_says_when_the_crm_paused_it(
    outbox_dsn: str,
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    tmp_path: Path,
) -> None:
    deal = db_id(await register(gateway.as_(bearer("rep@acme.example"))))
    env = {
        "DATABASE_URL": outbox_dsn,
        "DATA_DIR": str(tmp_path),
        "CRM_URL": clean_sandbox.url,
        "CRM_CLIENT_ID": clean_sandbox.client_id,
        "CRM_CLIENT_SECRET": clean_sandbox.client_secret,
        "CRM_RETRY_BASE_SECONDS": "0.01",
        "CRM_RETRY_CAP_SECONDS": "0.01",
        "COLUMNS": "200",
    }
    await clean_sandbox.admin.set_faults(error_rate=1.0)
    down = await asyncio.to_thread(_invoke, env)  # the CLI runs its own event loop
    assert down.exit_code == 1, down.output
    assert "delivered 0, retrying later 1" in down.output and "HTTP 503" in down.output

    await clean_sandbox.admin.reset_faults()
    await asyncio.sleep(0.05)  # the retried entry is due again after its backoff
    back = await asyncio.to_thread(_invoke, env)
    assert back.exit_code == 0, back.output
    assert "retrying later 0, failed 0" in back.output and "0 pending" in back.output
    [entry] = await entries_of(db, deal)
    [lead] = await crm_leads(clean_sandbox, [deal])
    assert (entry["status"], entry["crm_record_id"]) == ("delivered", lead["Id"])


def test_outbox_deliver_without_a_crm_is_a_usage_error(tmp_path: Path) -> None:
    result = _invoke({"DATA_DIR": str(tmp_path), "CRM_URL": ""})
    assert result.exit_code == 2
    assert "no CRM is configured" in result.output
