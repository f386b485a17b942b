"""The baseline's caller: the JWT verified by hand, then the gateway's identity statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import jwt
from starlette.requests import Request

from bench import baseline_sql as sql


@dataclass(frozen=True)
class Caller:
    """Who the request is from, as the identity statement found them."""

    email: str
    role: str
    partner_id: int | None
    user_id: int | None

    @property
    def vendor_wide(self) -> bool:
        return self.role == "vendor_admin"


class Refused(Exception):
    """The request is turned away before any operation runs: an HTTP status and a code."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def _claims(request: Request) -> dict[str, Any]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refused(401, "UNAUTHENTICATED")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            request.app.state.jwt_secret,
            algorithms=["HS256"],
            issuer="partner-gateway",
            audience="partner-gateway",
            leeway=30,
            options={"require": ["sub", "exp"]},
        )
    except jwt.PyJWTError:
        raise Refused(401, "INVALID_TOKEN") from None
    return claims


async def authenticate(conn: asyncpg.Connection, request: Request) -> Caller:
    claims = _claims(request)
    email = str(claims["sub"]).lower()
    rows = await conn.fetch(sql.IDENTITY_BY_EMAIL, email)
    partner = claims.get("partner")
    chosen = [r for r in rows if (r["partner_user_id"] is not None) == (partner is not None)]
    if not chosen:
        raise Refused(401, "UNKNOWN_ACCOUNT")
    row = chosen[0]
    if partner is not None and row["partner_slug"] != partner:
        raise Refused(401, "INVALID_TOKEN")
    if "roles" in claims and claims["roles"] != [row["role"]]:
        raise Refused(401, "INVALID_TOKEN")
    if not row["active"] or row["partner_status"] == "SUSPENDED":
        raise Refused(401, "ACCOUNT_INACTIVE")
    if row["role"] not in ("vendor_admin", "partner_rep"):
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    return Caller(email, row["role"], row["partner_id"], row["partner_user_id"])
