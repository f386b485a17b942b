"""The GraphiQL page: self-hosted under a strict CSP, a CDN fallback that says so, and demo
credentials only in demo mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gateway.http.graphiql import STRICT_CSP, GraphiQLPage
from tests.support.graphql import GraphQLClient


def _assets(directory: Path) -> Path:
    for name in (
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
        "plugin-explorer.umd.js",
        "plugin-explorer.css",
    ):
        (directory / name).write_text("/* test */")
    return directory


def test_self_hosted_page_has_a_strict_csp_and_no_cdn(tmp_path: Path) -> None:
    response = GraphiQLPage(assets_dir=_assets(tmp_path)).render()
    body = bytes(response.body).decode()
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert "unpkg.com" not in body and "/graphiql/assets/graphiql.min.js" in body
    assert "<script>" not in body  # no inline script: the CSP forbids it


def test_without_assets_it_falls_back_to_the_cdn_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.http.graphiql"):
        body = bytes(GraphiQLPage(assets_dir=tmp_path / "missing").render().body).decode()
    assert "https://unpkg.com/graphiql@3.8.3/graphiql.min.js" in body
    assert "make graphiql-assets" in caplog.text


def test_demo_tabs_carry_persona_tokens(tmp_path: Path) -> None:
    page = GraphiQLPage(
        assets_dir=_assets(tmp_path),
        demo_tokens={
            "analyst@vendor.example": "token-of-the-analyst",
        },
    )
    body = bytes(page.render().body).decode()
    assert "Bearer token-of-the-analyst" in body
    assert '"persistHeaders":false' in body  # demo credentials never linger in the browser


async def test_outside_demo_mode_no_credentials_are_served(anonymous: GraphQLClient) -> None:
    page = await anonymous.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Bearer" not in page.text
    for tab in ("PartnerPipeline", "LeadsAwaitingAcceptance", "AnalystPipelineByTier"):
        assert tab in page.text
