"""GraphiQL served from the gateway itself: no CDN, a strict Content-Security-Policy, example
operations as tabs, and (in demo mode only) ready credentials in each tab's headers.

The released GraphiQL, explorer plugin and React builds come from the npm registry at install
time (`make graphiql-assets`, pinned in tools/graphiql/package.json) and are never committed.
Without them the page falls back to the public CDN, and says so in the log.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from starlette.responses import HTMLResponse

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_ASSETS_DIR = PROJECT_DIR / "build" / "graphiql-assets"
EXAMPLES_DIR = PROJECT_DIR / "examples" / "operations"
OWN_STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PATH = "/graphiql/assets"
OWN_STATIC_PATH = "/graphiql/static"

# name -> (file in the assets folder, CDN address of the very same pinned release)
ASSETS: dict[str, tuple[str, str]] = {
    "react": (
        "react.production.min.js",
        "https://unpkg.com/react@18.2.0/umd/react.production.min.js",
    ),
    "react-dom": (
        "react-dom.production.min.js",
        "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js",
    ),
    "graphiql-js": ("graphiql.min.js", "https://unpkg.com/graphiql@3.8.3/graphiql.min.js"),
    "graphiql-css": ("graphiql.min.css", "https://unpkg.com/graphiql@3.8.3/graphiql.min.css"),
    "explorer-js": (
        "plugin-explorer.umd.js",
        "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js",
    ),
    "explorer-css": (
        "plugin-explorer.css",
        "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css",
    ),
}

# Everything from the gateway's own origin; styles may be inline because GraphiQL's editors set
# them at run time; nothing may frame the page.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class Tab:
    query: str
    headers: str | None = None

    def as_json(self) -> dict[str, Any]:
        tab: dict[str, Any] = {"query": self.query}
        if self.headers is not None:
            tab["headers"] = self.headers
        return tab


def example_tabs(directory: Path = EXAMPLES_DIR) -> list[Tab]:
    """One tab per `*.graphql` file; a `# as: <email>` line names the persona it is for."""
    return [
        Tab(query=path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.graphql"))
    ]


def persona_of(query: str) -> str | None:
    for line in query.splitlines():
        if line.startswith("# as:"):
            return line.removeprefix("# as:").strip()
    return None


@dataclass
class GraphiQLPage:
    assets_dir: Path = DEFAULT_ASSETS_DIR
    endpoint: str = "/graphql"
    # Demo mode only: credential per persona e-mail, put into the tabs' headers.
    demo_tokens: dict[str, str] = field(default_factory=dict)
    _warned: bool = False

    @property
    def self_hosted(self) -> bool:
        return all((self.assets_dir / name).is_file() for name, _ in ASSETS.values())

    def _url(self, key: str) -> str:
        name, cdn = ASSETS[key]
        return f"{ASSETS_PATH}/{name}" if self.self_hosted else cdn

    def _tabs(self) -> list[dict[str, Any]]:
        tabs = []
        for tab in example_tabs():
            persona = persona_of(tab.query)
            token = self.demo_tokens.get(persona or "")
            headers = (
                None
                if token is None
                else orjson.dumps(
                    {"Authorization": f"Bearer {token}"}, option=orjson.OPT_INDENT_2
                ).decode()
            )
            tabs.append(Tab(tab.query, headers).as_json())
        return tabs

    def render(self) -> HTMLResponse:
        if not self.self_hosted and not self._warned:
            log.warning(
                "GraphiQL assets not found in %s: the page loads them from a public CDN, which "
                "fails offline or behind a strict CSP; run `make graphiql-assets`",
                self.assets_dir,
            )
            self._warned = True
        first_token = next(iter(self.demo_tokens.values()), None)
        config = {
            "endpoint": self.endpoint,
            "fetcherHeaders": {}
            if first_token is None
            else {"Authorization": f"Bearer {first_token}"},
            "tabs": self._tabs(),
            "defaultHeaders": "",
            # Demo credentials must not linger in a browser's storage after the demo.
            "persistHeaders": not self.demo_tokens,
        }
        # Inside <script type="application/json"> only "</" could end the block early.
        config_json = orjson.dumps(config).decode().replace("</", "<\\/")
        page = _TEMPLATE.format(
            graphiql_css=html.escape(self._url("graphiql-css")),
            explorer_css=html.escape(self._url("explorer-css")),
            own_css=f"{OWN_STATIC_PATH}/graphiql.css",
            react=html.escape(self._url("react")),
            react_dom=html.escape(self._url("react-dom")),
            graphiql_js=html.escape(self._url("graphiql-js")),
            explorer_js=html.escape(self._url("explorer-js")),
            init_js=f"{OWN_STATIC_PATH}/graphiql-init.js",
            config=config_json,
        )
        headers = {"Cache-Control": "no-store"}
        if self.self_hosted:
            headers["Content-Security-Policy"] = STRICT_CSP
        return HTMLResponse(page, headers=headers)


_TEMPLATE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Partner Gateway · GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{graphiql_css}">
    <link rel="stylesheet" href="{explorer_css}">
    <link rel="stylesheet" href="{own_css}">
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script type="application/json" id="graphiql-config">{config}</script>
    <script src="{react}"></script>
    <script src="{react_dom}"></script>
    <script src="{graphiql_js}"></script>
    <script src="{explorer_js}"></script>
    <script src="{init_js}"></script>
  </body>
</html>
"""
