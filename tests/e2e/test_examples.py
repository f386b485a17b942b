"""The example clients in examples/, run against a live gateway as their users would run them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.auth.api_keys import PARTNER_KEY_ROLE, issue_api_key
from gateway.config import Settings
from gateway.http.graphiql import PROJECT_DIR
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    app_in_thread,
    files_in_thread,
    needs_chromium,
)

EXAMPLES = PROJECT_DIR / "examples"


@pytest.fixture
async def acme_key(seeded_dsn: str) -> AsyncIterator[str]:
    conn = await asyncpg.connect(seeded_dsn)
    try:
        issued = await issue_api_key(
            conn,
            name="example pull",
            partner_slug="acme",
            scopes={"read"},
            role=PARTNER_KEY_ROLE,
            expires_at=None,
            created_by="tests",
        )
        yield issued.key
    finally:
        await conn.close()


def _pull(url: str, key: str, state: Path, out: Path, page_size: int = 17) -> int:
    """Runs the example as a separate program; the number of deals it reports."""
    done = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "partner_pull.py"),
            "--url",
            f"{url}/graphql",
            "--api-key",
            key,
            "--state",
            str(state),
            "--out",
            str(out),
            "--page-size",
            str(page_size),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stderr.split("pulled ")[1].split(" ")[0])


async def test_incremental_pull_is_complete_then_incremental_then_resumable(
    live_server: str,
    acme_key: str,
    seeded_dsn: str,
    tmp_path: Path,
) -> None:
    state, out = tmp_path / "state.json", tmp_path / "deals.jsonl"
    conn = await asyncpg.connect(seeded_dsn)
    try:
        acme_deals = await conn.fetchval(
            "SELECT count(*) FROM deals d JOIN partners p ON p.id = d.partner_id "
            "WHERE p.slug = 'acme'"
        )
        first = await asyncio.to_thread(_pull, live_server, acme_key, state, out)
        assert first == acme_deals
        pulled = [json.loads(line) for line in out.read_text().splitlines()]
        assert len({d["id"] for d in pulled}) == acme_deals  # every deal once, acme's only

        # Nothing changed: the next run reads at most the overlap at the high-water mark.
        again = await asyncio.to_thread(_pull, live_server, acme_key, state, out)
        assert again <= 2

        # One deal changes: the next run brings it.
        await conn.execute(
            "UPDATE deals SET amount = amount + 1 WHERE id = (SELECT min(d.id) FROM deals d "
            "JOIN partners p ON p.id = d.partner_id WHERE p.slug = 'acme')"
        )
        changed = await asyncio.to_thread(_pull, live_server, acme_key, state, out)
        assert 1 <= changed <= 3
    finally:
        await conn.close()

    # Interrupted after one page: a state file with a cursor resumes from there.
    async with httpx.AsyncClient(base_url=live_server) as http:
        page = (
            await http.post(
                "/graphql",
                headers={"x-api-key": acme_key},
                json={
                    "query": "{ deals(first: 17, orderBy: {field: UPDATED_AT}) "
                    "{ pageInfo { endCursor } } }"
                },
            )
        ).json()
    resumed_state = tmp_path / "resumed.json"
    resumed_state.write_text(
        json.dumps(
            {
                "since": None,
                "after": page["data"]["deals"]["pageInfo"]["endCursor"],
                "high_water": None,
            }
        )
    )
    rest = await asyncio.to_thread(
        _pull, live_server, acme_key, resumed_state, tmp_path / "rest.jsonl"
    )
    assert rest == acme_deals - 17


@pytest.fixture
def portal(seeded_dsn: str, settings: Settings) -> Iterator[tuple[str, str]]:
    """The portal page on its own origin, the gateway allowing that origin (CORS)."""
    with files_in_thread(EXAMPLES) as pages:
        allowed = Settings(**{**settings.__dict__, "cors_allowed_origins": (pages,)})
        with app_in_thread(create_app(allowed, seeded_dsn)) as gateway:
            yield pages, gateway


@needs_chromium
def test_portal_page_lists_the_reps_deals(
    portal: tuple[str, str], tokens: Callable[[str], str]
) -> None:
    from playwright.sync_api import sync_playwright

    pages, gateway = portal
    url = f"{pages}/portal.html?endpoint={gateway}/graphql&token={tokens('rep@acme.example')}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("deals", exact=False).last.wait_for()
            page.wait_for_function(
                "document.getElementById('status').textContent.includes(' of ')",
                timeout=20_000,
            )
            status = page.locator("#status").inner_text()
            rows = page.locator("#deals tbody tr").count()
        finally:
            browser.close()
    shown, total = status.split(" deals")[0].split(" of ")
    assert int(shown) == rows == min(20, int(total)) > 0
