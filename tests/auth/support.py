"""Helpers for the authentication tests: refusals, statement logs, tokens and people."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import pytest
from asyncpg.connection import LoggedQuery

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import AuthenticationError
from gateway.auth.jwt_tokens import mint_token
from gateway.auth.settings import AuthSettings


async def refusal(authenticator: Authenticator, headers: Mapping[str, str]) -> AuthenticationError:
    with pytest.raises(AuthenticationError) as caught:
        await authenticator.authenticate(headers)
    return caught.value


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def token_for(
    settings: AuthSettings, email: str, role: str, partner: str | None = None, **claims: Any
) -> str:
    return mint_token(settings, email, [role], partner, timedelta(hours=1), **claims)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(orjson.dumps(value))


class StatementLog:
    """Every statement a connection sends while attached (asyncpg's own query logger)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.queries: list[str] = []
        conn.add_query_logger(self._logged)

    def _logged(self, record: LoggedQuery) -> None:
        self.queries.append(record.query)

    async def settled(self) -> list[str]:
        # asyncpg calls loggers with loop.call_soon; let those callbacks run first.
        for _ in range(3):
            await asyncio.sleep(0)
        return list(self.queries)


def unique_email(domain: str = "acme.example") -> str:
    return f"t-{uuid.uuid4().hex[:10]}@{domain}"


async def add_partner_user(
    db: asyncpg.Pool, email: str, *, partner: str = "acme", role: str = "partner_rep",
    active: bool = True,
) -> int:
    user_id: int = await db.fetchval(
        "INSERT INTO partner_users (partner_id, email, first_name, last_name, title, role, active) "
        "SELECT id, $2, 'Test', 'User', 'Tester', $3, $4 FROM partners WHERE slug = $1 "
        "RETURNING id",
        partner, email, role, active,
    )
    return user_id


async def add_vendor_user(db: asyncpg.Pool, email: str, role: str = "analyst") -> int:
    user_id: int = await db.fetchval(
        "INSERT INTO vendor_users (email, name, role) VALUES ($1, 'Test Staff', $2) RETURNING id",
        email, role,
    )
    return user_id
