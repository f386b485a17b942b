"""A real browser on /graphql: GraphiQL loads from the gateway alone and shows real rows.

Headless Chromium (Debian's `chromium`) driven by Playwright. Every request the page makes is
recorded; one that leaves the gateway fails the test. The screenshot is kept in
test-artifacts/graphiql.png.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator

import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.http.graphiql import DEFAULT_ASSETS_DIR, PROJECT_DIR
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, app_in_thread, needs_chromium

ARTIFACTS = PROJECT_DIR / "test-artifacts"
ANALYST = "analyst@vendor.example"

pytestmark = needs_chromium


def _assets_ready() -> bool:
    if (DEFAULT_ASSETS_DIR / "graphiql.min.js").is_file():
        return True
    if shutil.which("npm") is None:
        return False
    subprocess.run(["bash", str(PROJECT_DIR / "scripts" / "graphiql-assets.sh")], check=True)
    return (DEFAULT_ASSETS_DIR / "graphiql.min.js").is_file()


@pytest.fixture
def demo_server(
    seeded_dsn: str, settings: Settings, tokens: Callable[[str], str]
) -> Iterator[str]:
    """The app with GraphiQL in demo mode (tabs carry the analyst's token), in a thread."""
    if not _assets_ready():
        pytest.skip("GraphiQL assets are missing and npm is not installed to fetch them")
    app = create_app(settings, seeded_dsn, graphiql_tokens={ANALYST: tokens(ANALYST)})
    with app_in_thread(app) as url:
        yield url


def test_graphiql_runs_an_example_from_the_gateway_alone(demo_server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            console_errors: list[str] = []
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.goto(f"{demo_server}/graphql", wait_until="networkidle")
            page.wait_for_selector(".graphiql-container", timeout=20_000)
            page.get_by_role("tab", name="AnalystPipelineByTier").click()
            # The editor swaps its text in after the click; run only once it shows this tab.
            editor = page.locator(".graphiql-query-editor")
            editor.get_by_text("query AnalystPipelineByTier").wait_for(timeout=20_000)
            page.locator(".graphiql-execute-button").click()
            result = page.locator(".result-window")
            try:
                result.get_by_text('"wonAmount"').first.wait_for(timeout=20_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / "graphiql.png"))
            text = result.inner_text()
        finally:
            browser.close()
    assert '"errors"' not in text, text
    assert text.count('"count"') >= 2, text  # one row per tier with deals
    foreign = [url for url in requested if not url.startswith(demo_server)]
    assert foreign == [], f"requests left the gateway: {foreign}"
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
