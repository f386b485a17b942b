"""Persisted-operation tests: the rate-limit tests' small database, gateway and real Redis."""

from __future__ import annotations

from datetime import timedelta

from gateway.auth.jwt_tokens import mint_token
from gateway.persisted.manifest import operation_hash
from tests.ratelimit.conftest import (  # noqa: F401 (fixtures, shared rather than copied)
    key_prefix,
    ratelimit_db,
    ratelimit_dsn,
    redis_keys,
    redis_url,
    serve,
)
from tests.support.auth import TEST_AUTH

GRAPHQL_RESPONSE_JSON = {"accept": "application/graphql-response+json"}


def bearer(email: str, role: str, partner: str | None = None) -> dict[str, str]:
    token = mint_token(TEST_AUTH, email, [role], partner, timedelta(hours=1))
    return {"authorization": f"Bearer {token}"}


ADMIN = bearer("admin@vendor.example", "vendor_admin")
REP = bearer("rep@acme.example", "partner_rep", "acme")
PARTNER_ADMIN = bearer("admin@acme.example", "partner_admin", "acme")


def persisted(query_hash: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": query_hash}}


def apq(query: str, *, with_text: bool) -> dict[str, object]:
    """An APQ request body: the hash alone, or the hash with the text (registration)."""
    body: dict[str, object] = {"extensions": persisted(operation_hash(query))}
    if with_text:
        body["query"] = query
    return body
