"""A gateway process (`python -m gateway serve`) on the shared seeded database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.gateway_process import gateway_process


@pytest.fixture
async def live_server(seeded_dsn: str) -> AsyncIterator[str]:
    async with gateway_process(seeded_dsn) as gateway:
        yield gateway.base_url
