"""Bearer tokens: the HS256 round trip, and every way a token is refused, with its code."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import (
    INVALID_TOKEN,
    TOKEN_EXPIRED,
    TOKEN_NOT_YET_VALID,
    AuthenticationError,
)
from gateway.auth.jwt_tokens import TokenVerifier
from gateway.auth.settings import AuthSettings
from tests.auth.conftest import TEST_SECRET
from tests.auth.jwks_server import SigningKey
from tests.auth.support import b64url, b64url_json, bearer, refusal, token_for

REP = "rep@acme.example"


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for the rep, with numeric dates so they also encode as plain JSON."""
    now = int(datetime.now(UTC).timestamp())
    base: dict[str, Any] = {
        "sub": REP,
        "partner": "acme",
        "roles": ["partner_rep"],
        "iss": "partner-gateway",
        "aud": "partner-gateway",
        "iat": now,
        "exp": now + 3600,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def hs256(payload: dict[str, Any], secret: str = TEST_SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


async def test_a_minted_token_round_trips(
    authenticator: Authenticator, auth_settings: AuthSettings
) -> None:
    principal = await authenticator.authenticate(
        bearer(token_for(auth_settings, REP, "partner_rep", "acme"))
    )
    assert principal.subject == REP
    assert principal.credential == "jwt"
    assert principal.roles == {"partner_rep"}
    assert principal.partner_slug == "acme"
    assert principal.key_scopes is None


async def test_the_bearer_scheme_is_case_insensitive(
    authenticator: Authenticator, auth_settings: AuthSettings
) -> None:
    token = token_for(auth_settings, REP, "partner_rep", "acme")
    principal = await authenticator.authenticate({"authorization": f"bearer  {token}"})
    assert principal.subject == REP


async def test_an_expired_token_is_refused(
    authenticator: Authenticator, auth_settings: AuthSettings
) -> None:
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    token = token_for(auth_settings, REP, "partner_rep", "acme", now=two_hours_ago)
    assert (await refusal(authenticator, bearer(token))).code == TOKEN_EXPIRED


async def test_expiry_allows_the_configured_clock_skew(authenticator: Authenticator) -> None:
    just_expired = int(datetime.now(UTC).timestamp()) - 10
    principal = await authenticator.authenticate(bearer(hs256(claims(exp=just_expired))))
    assert principal.subject == REP


async def test_a_token_not_valid_yet_is_refused(authenticator: Authenticator) -> None:
    later = int(datetime.now(UTC).timestamp()) + 300
    failure = await refusal(authenticator, bearer(hs256(claims(nbf=later))))
    assert failure.code == TOKEN_NOT_YET_VALID


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iss": "someone-else"}, "wrong issuer"),
        ({"aud": "another-api"}, "wrong audience"),
        ({"iss": None}, "lacks the 'iss' claim"),
        ({"sub": None}, "lacks the 'sub' claim"),
        ({"exp": None}, "lacks the 'exp' claim"),
        ({"roles": "partner_rep"}, "roles claim must be a list"),
        ({"partner": 7}, "partner claim must be a slug"),
        ({"sub": ""}, "subject must be an e-mail"),
    ],
)
async def test_bad_claims_are_refused(
    authenticator: Authenticator, overrides: dict[str, Any], message: str
) -> None:
    failure = await refusal(authenticator, bearer(hs256(claims(**overrides))))
    assert failure.code == INVALID_TOKEN
    assert message in failure.message


async def test_a_wrong_signature_is_refused(authenticator: Authenticator) -> None:
    token = hs256(claims(), secret="another-secret-that-is-long-enough-0123456789")
    failure = await refusal(authenticator, bearer(token))
    assert failure.code == INVALID_TOKEN
    assert "signature" in failure.message


async def test_an_unsigned_token_is_refused(authenticator: Authenticator) -> None:
    unsigned = f"{b64url_json({'alg': 'none', 'typ': 'JWT'})}.{b64url_json(claims())}."
    failure = await refusal(authenticator, bearer(unsigned))
    assert failure.code == INVALID_TOKEN
    assert "not accepted" in failure.message


async def test_a_tampered_payload_is_refused(authenticator: Authenticator) -> None:
    header, _, signature = hs256(claims()).split(".")
    promoted = b64url_json(claims(roles=["partner_admin"]))
    failure = await refusal(authenticator, bearer(f"{header}.{promoted}.{signature}"))
    assert failure.code == INVALID_TOKEN


async def test_a_public_key_is_never_used_as_an_hmac_secret(auth_db: asyncpg.Pool) -> None:
    """The classic confusion: an HS256 token "signed" with the provider's public key."""
    public_pem = (
        SigningKey.rsa("k1")
        .private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{b64url_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url_json(claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64url(mac)}"
    with_jwks = AuthSettings(jwt_secret=TEST_SECRET, jwks_url="http://127.0.0.1:9/jwks.json")
    failure = await refusal(Authenticator(with_jwks, auth_db), bearer(forged))
    assert failure.code == INVALID_TOKEN


@pytest.mark.parametrize(
    "value",
    ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c", "Token abc.def.ghi"],
)
async def test_malformed_authorization_is_refused(authenticator: Authenticator, value: str) -> None:
    assert (await refusal(authenticator, {"authorization": value})).code == INVALID_TOKEN


async def test_an_api_key_sent_as_a_bearer_token_is_pointed_to_its_header(
    authenticator: Authenticator,
) -> None:
    failure = await refusal(authenticator, bearer("pgw_0123456789ab_" + "x" * 43))
    assert failure.code == INVALID_TOKEN
    assert "X-API-Key" in failure.message
    assert "x" * 43 not in failure.message


async def test_rs256_is_refused_without_a_jwks(authenticator: Authenticator) -> None:
    token = SigningKey.ec("k1").sign(claims())
    failure = await refusal(authenticator, bearer(token))
    assert failure.code == INVALID_TOKEN
    assert "no JWKS is configured" in failure.message


@pytest.mark.parametrize("algorithm", ["HS512", "HS384"])
async def test_other_hmac_algorithms_are_refused(
    authenticator: Authenticator, algorithm: str
) -> None:
    token = jwt.encode(claims(), TEST_SECRET + "x" * 40, algorithm=algorithm)
    assert (await refusal(authenticator, bearer(token))).code == INVALID_TOKEN


async def test_a_kept_token_still_expires(auth_settings: AuthSettings) -> None:
    """Verified tokens are kept by their text; their expiry is checked again on every use."""
    now = [datetime.now(UTC).timestamp()]
    verifier = TokenVerifier(auth_settings, clock=lambda: now[0])
    token = hs256(claims(exp=int(now[0]) + 60))
    assert (await verifier.verify(token)).subject == REP
    now[0] += 50 + auth_settings.jwt_leeway_seconds  # within the clock skew allowed
    assert (await verifier.verify(token)).subject == REP
    now[0] += 10
    with pytest.raises(AuthenticationError) as refused:
        await verifier.verify(token)
    assert refused.value.code == TOKEN_EXPIRED
    with pytest.raises(AuthenticationError):  # and on every use after
        await verifier.verify(token)
