"""`partner-gateway demo` on a fresh data folder: embedded Postgres, seed, serve, clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from tests.support.browser import free_port
from tests.support.graphql import GraphQLClient


@asynccontextmanager
async def running_demo(
    data_dir: Path, port: int, crm_port: int | None = None
) -> AsyncIterator[list[str]]:
    """Yields the lines printed so far; on exit sends Ctrl-C and expects a clean stop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CRM_"))}
    env.update({"DATA_DIR": str(data_dir), "PORT": str(port), "LOG_LEVEL": "warning"})
    env["CRM_SANDBOX_PORT"] = str(crm_port or free_port())
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "demo",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    lines: list[str] = []

    async def collect() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            lines.append(raw.decode(errors="replace").rstrip())

    reader = asyncio.create_task(collect())
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                assert process.returncode is None, "\n".join(lines)
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("demo not ready in 30 s:\n" + "\n".join(lines))
        yield lines
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), timeout=20)
        await reader
    # 130 is the shell's "stopped by Ctrl-C"; anything else, or a traceback, is a crash.
    assert code in (0, 130), "\n".join(lines)
    assert not any("Traceback" in line for line in lines), "\n".join(lines)


def printed_credential(lines: list[str], label_start: str) -> str:
    """The banner prints each credential on the line after its label."""
    for label, value in zip(lines, lines[1:], strict=False):
        if label.strip().startswith(label_start):
            return value.strip()
    raise AssertionError(f"no credential for {label_start} in:\n" + "\n".join(lines))


async def mirrored(client: GraphQLClient) -> dict[str, int]:
    """Records per CRM object once the demo's first mirror run has finished (within 60 s)."""
    for _ in range(600):
        status = (await client.data("{ syncStatus { object records lastSuccessAt } }"))[
            "syncStatus"
        ]
        if len(status) == 3 and all(s["lastSuccessAt"] for s in status):
            return {s["object"]: s["records"] for s in status}
        await asyncio.sleep(0.1)
    raise AssertionError(f"the demo's first mirror run did not finish: {status}")


async def test_demo_seeds_serves_and_stops_cleanly(tmp_path: Path) -> None:
    port, crm_port = free_port(), free_port()
    async with running_demo(tmp_path, port, crm_port) as lines:
        token = printed_credential(lines, "admin@vendor.example")
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            admin = GraphQLClient(http, headers=headers)
            # The demo mirrors its own sandbox CRM, seeded from the same plan: every record
            # type arrives, and the mirror matches the seeded rows instead of adding to them.
            records = await mirrored(admin)
            data = await admin.data(
                "{ partners(first: 1) { totalCount } deals { totalCount } leads { totalCount } }"
            )
    assert set(records) == {"Account", "Lead", "Opportunity"}
    assert min(records.values()) > 0
    assert data == {
        "partners": {"totalCount": 25},
        "deals": {"totalCount": 5000},
        "leads": {"totalCount": 3000},
    }
    printed = "\n".join(lines)
    assert f"http://127.0.0.1:{port}/graphql" in printed
    assert "Seeded demo data" in printed
    assert f"sandbox CRM at http://127.0.0.1:{crm_port}" in printed
    # Ctrl-C stopped the embedded Postgres too: no server holds the data folder any more.
    assert not (tmp_path / "pg" / "postmaster.pid").exists()

    # A second start reuses the data instead of seeding again; the acme key it prints works.
    async with running_demo(tmp_path, port) as lines:
        key = printed_credential(lines, "API key of acme")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            data = await GraphQLClient(http, headers={"x-api-key": key}).data(
                "{ partners { nodes { slug } } }"
            )
    assert data == {"partners": {"nodes": [{"slug": "acme"}]}}
    assert "Seeded demo data" not in "\n".join(lines)
