"""RS256 and ES256 tokens checked against an identity provider's JWKS, served over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import jwt
import pytest

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import AUTHENTICATION_UNAVAILABLE, INVALID_TOKEN
from gateway.auth.settings import AuthSettings
from tests.auth.conftest import TEST_SECRET
from tests.auth.jwks_server import JwksServer, SigningKey
from tests.auth.support import bearer, refusal, token_for
from tests.support.browser import free_port


@pytest.fixture(scope="module")
def rsa_key() -> SigningKey:
    return SigningKey.rsa("rsa-1")


@pytest.fixture(scope="module")
def ec_key() -> SigningKey:
    return SigningKey.ec("ec-1")


def provider_claims(email: str = "analyst@vendor.example") -> dict[str, Any]:
    """What an external identity provider would put in: no roles, the database supplies them."""
    now = int(datetime.now(UTC).timestamp())
    return {"sub": email, "iss": "partner-gateway", "aud": "partner-gateway", "exp": now + 600}


def against(server: JwksServer, db: asyncpg.Pool, *, cooldown: int = 0) -> Authenticator:
    settings = AuthSettings(
        jwt_secret=TEST_SECRET, jwks_url=server.url, jwks_refresh_cooldown_seconds=cooldown
    )
    return Authenticator(settings, db)


@pytest.mark.parametrize("key_fixture", ["rsa_key", "ec_key"])
async def test_provider_tokens_are_verified_with_the_published_key(
    auth_db: asyncpg.Pool, key_fixture: str, request: pytest.FixtureRequest
) -> None:
    key: SigningKey = request.getfixturevalue(key_fixture)
    with JwksServer(key) as server:
        authenticator = against(server, auth_db)
        principal = await authenticator.authenticate(bearer(key.sign(provider_claims())))
        again = await authenticator.authenticate(bearer(key.sign(provider_claims())))
    assert principal.roles == again.roles == {"analyst"}
    assert server.fetches == 1  # the key set is cached between requests


async def test_hs256_tokens_still_work_beside_a_jwks(
    auth_db: asyncpg.Pool, rsa_key: SigningKey
) -> None:
    with JwksServer(rsa_key) as server:
        authenticator = against(server, auth_db)
        token = token_for(authenticator.settings, "analyst@vendor.example", "analyst")
        principal = await authenticator.authenticate(bearer(token))
    assert principal.roles == {"analyst"}
    assert server.fetches == 0


async def test_a_rotated_key_is_fetched_when_its_kid_first_appears(
    auth_db: asyncpg.Pool, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    with JwksServer(rsa_key) as server:
        authenticator = against(server, auth_db)
        await authenticator.authenticate(bearer(rsa_key.sign(provider_claims())))
        server.keys = [rsa_key, ec_key]  # the provider publishes its next key
        principal = await authenticator.authenticate(bearer(ec_key.sign(provider_claims())))
    assert principal.subject == "analyst@vendor.example"
    assert server.fetches == 2


async def test_unknown_kids_cannot_make_every_request_fetch_the_jwks(
    auth_db: asyncpg.Pool, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    with JwksServer(rsa_key) as server:
        authenticator = against(server, auth_db, cooldown=30)
        await authenticator.authenticate(bearer(rsa_key.sign(provider_claims())))
        for attempt in range(5):
            token = ec_key.sign(provider_claims(), kid=f"made-up-{attempt}")
            failure = await refusal(authenticator, bearer(token))
            assert failure.code == INVALID_TOKEN
    assert server.fetches == 1


async def test_a_token_whose_algorithm_differs_from_its_key_is_refused(
    auth_db: asyncpg.Pool, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    # Signed with the EC key but naming the RSA key's kid: the RSA key only verifies RS256.
    with JwksServer(rsa_key) as server:
        token = ec_key.sign(provider_claims(), kid=rsa_key.kid)
        failure = await refusal(against(server, auth_db), bearer(token))
    assert failure.code == INVALID_TOKEN
    assert "does not match its signing key" in failure.message


async def test_a_token_without_a_kid_is_refused_without_a_fetch(
    auth_db: asyncpg.Pool, rsa_key: SigningKey
) -> None:
    with JwksServer(rsa_key) as server:
        token = jwt.encode(provider_claims(), rsa_key.private_key, algorithm="RS256")
        failure = await refusal(against(server, auth_db), bearer(token))
    assert failure.code == INVALID_TOKEN
    assert server.fetches == 0


async def test_an_unreachable_jwks_is_reported_as_unavailable(
    auth_db: asyncpg.Pool, rsa_key: SigningKey
) -> None:
    settings = AuthSettings(
        jwt_secret=TEST_SECRET, jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json"
    )
    token = rsa_key.sign(provider_claims())
    failure = await refusal(Authenticator(settings, auth_db), bearer(token))
    assert failure.code == AUTHENTICATION_UNAVAILABLE


async def test_a_jwks_that_is_not_json_is_reported_as_unavailable(
    auth_db: asyncpg.Pool, rsa_key: SigningKey
) -> None:
    with JwksServer(rsa_key) as server:
        server.broken = True
        failure = await refusal(against(server, auth_db), bearer(rsa_key.sign(provider_claims())))
    assert failure.code == AUTHENTICATION_UNAVAILABLE


async def test_fetching_the_jwks_does_not_block_the_event_loop(
    auth_db: asyncpg.Pool, rsa_key: SigningKey
) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    with JwksServer(rsa_key, delay=0.3) as server:
        ticker = asyncio.create_task(tick())
        try:
            await against(server, auth_db).authenticate(bearer(rsa_key.sign(provider_claims())))
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
    # A blocking fetch would have frozen the loop for the whole 0.3 s (no ticks at all).
    assert ticks >= 10
