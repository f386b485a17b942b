"""JSON Web Tokens: verified with our HS256 secret or the identity provider's JWKS; minted for dev.

Which key checks a token follows from its `alg`, and each key only ever checks its own
algorithm: the secret only HS256, a JWKS key only the RS256/ES256 it was published for. So a
token cannot pick `none`, nor get a public key used as an HMAC secret.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cachetools import LRUCache

from gateway.auth.errors import (
    AUTHENTICATION_UNAVAILABLE,
    INVALID_TOKEN,
    TOKEN_EXPIRED,
    TOKEN_NOT_YET_VALID,
    AuthenticationError,
)
from gateway.auth.settings import AuthSettings

log = logging.getLogger(__name__)

HMAC_ALGORITHM = "HS256"
JWKS_ALGORITHMS = frozenset({"RS256", "ES256"})
# How long a fetched JWKS is trusted before it is fetched again; a key the identity provider
# withdraws stops working within this time.
JWKS_LIFESPAN_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 10
# Verified tokens kept (TokenVerifier): far more than the callers a process serves at once.
VERIFIED_TOKENS = 4096


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says; the database still decides whether that is who they are."""

    subject: str  # the e-mail, lower-cased as the tables keep it
    partner_slug: str | None
    roles: frozenset[str] | None  # None: the token names no roles


class TokenVerifier:
    def __init__(self, settings: AuthSettings, clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        # HS256 tokens verified before, by their text, with their expiry: a portal sends the
        # same token with every request until it expires, and nothing else it was checked for
        # (signature, issuer, audience, not-before) can change meanwhile, the secret being fixed
        # for the process. Only the expiry is checked again. A refused token is never kept;
        # JWKS-signed ones are always verified in full (a withdrawn key must stop working).
        self._verified: LRUCache[str, tuple[TokenClaims, float]] = LRUCache(VERIFIED_TOKENS)
        self._clock = clock
        self._jwks: jwt.PyJWKClient | None = None
        if settings.jwks_url is not None:
            # The whole key set is cached (and refetched after its lifespan, or on an unknown
            # `kid` at most once per cooldown). Keys are deliberately not cached one by one as
            # well: that cache never expires, so a key the provider withdrew would stay valid.
            self._jwks = jwt.PyJWKClient(
                settings.jwks_url,
                cache_jwk_set=True,
                lifespan=JWKS_LIFESPAN_SECONDS,
                timeout=JWKS_TIMEOUT_SECONDS,
                cooldown_duration=settings.jwks_refresh_cooldown_seconds,
            )

    async def verify(self, token: str) -> TokenClaims:
        kept = self._verified.get(token)
        if kept is not None:
            claims, expires = kept
            # PyJWT's own rule: expired once `exp <= now - leeway`.
            if expires <= self._clock() - self._settings.jwt_leeway_seconds:
                raise AuthenticationError(TOKEN_EXPIRED, "the token has expired")
            return claims
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthenticationError(INVALID_TOKEN, "the bearer token is not a JWT") from None
        algorithm = header.get("alg")
        if not isinstance(algorithm, str):
            raise AuthenticationError(INVALID_TOKEN, "the token names no signing algorithm")
        key = await self._key_for(algorithm, header.get("kid"))
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=self._settings.jwt_issuer,
                audience=self._settings.jwt_audience,
                leeway=self._settings.jwt_leeway_seconds,
                options={"require": ["sub", "exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError(TOKEN_EXPIRED, "the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise AuthenticationError(
                TOKEN_NOT_YET_VALID, "the token is not valid yet (check the clocks)"
            ) from None
        except jwt.InvalidIssuerError:
            raise AuthenticationError(INVALID_TOKEN, "the token has the wrong issuer") from None
        except jwt.InvalidAudienceError:
            raise AuthenticationError(INVALID_TOKEN, "the token has the wrong audience") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(
                INVALID_TOKEN, f"the token lacks the {exc.claim!r} claim"
            ) from None
        except jwt.InvalidSignatureError:
            raise AuthenticationError(INVALID_TOKEN, "the token's signature is invalid") from None
        except jwt.PyJWTError:
            raise AuthenticationError(INVALID_TOKEN, "the token is malformed") from None
        claims = _claims(payload)
        if algorithm == HMAC_ALGORITHM:
            self._verified[token] = (claims, float(payload["exp"]))
        return claims

    async def _key_for(self, algorithm: str, kid: Any) -> Any:
        if algorithm == HMAC_ALGORITHM:
            return self._settings.jwt_secret
        if algorithm not in JWKS_ALGORITHMS:
            raise AuthenticationError(
                INVALID_TOKEN, f"tokens signed with {algorithm[:20]!r} are not accepted"
            )
        if self._jwks is None:
            raise AuthenticationError(
                INVALID_TOKEN, f"{algorithm} tokens are not accepted here (no JWKS is configured)"
            )
        if not isinstance(kid, str) or not kid:
            raise AuthenticationError(INVALID_TOKEN, "the token names no signing key (kid)")
        try:
            # The fetch is blocking urllib; a thread keeps the event loop serving meanwhile.
            key = await asyncio.to_thread(self._jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("cannot fetch the JWKS from %s: %s", self._settings.jwks_url, exc)
            raise AuthenticationError(
                AUTHENTICATION_UNAVAILABLE, "the identity provider's keys cannot be fetched now"
            ) from None
        except jwt.PyJWKClientError:
            raise AuthenticationError(
                INVALID_TOKEN, "the token's signing key is not one the identity provider publishes"
            ) from None
        except (jwt.PyJWKError, jwt.PyJWKSetError, ValueError) as exc:
            # ValueError: the endpoint answered something that is not JSON at all.
            log.warning("the JWKS at %s is unusable: %s", self._settings.jwks_url, exc)
            raise AuthenticationError(
                AUTHENTICATION_UNAVAILABLE, "the identity provider's keys are unusable"
            ) from None
        if key.algorithm_name != algorithm:
            raise AuthenticationError(
                INVALID_TOKEN, "the token's algorithm does not match its signing key"
            )
        return key


def _claims(payload: dict[str, Any]) -> TokenClaims:
    subject = payload["sub"]
    if not isinstance(subject, str) or not subject:
        raise AuthenticationError(INVALID_TOKEN, "the token's subject must be an e-mail address")
    partner = payload.get("partner")
    if partner is not None and not isinstance(partner, str):
        raise AuthenticationError(INVALID_TOKEN, "the token's partner claim must be a slug")
    roles = payload.get("roles")
    if roles is not None and not (
        isinstance(roles, list) and all(isinstance(role, str) for role in roles)
    ):
        raise AuthenticationError(INVALID_TOKEN, "the token's roles claim must be a list of names")
    return TokenClaims(
        subject=subject.lower(),
        partner_slug=partner,
        roles=None if roles is None else frozenset(roles),
    )


def mint_token(
    settings: AuthSettings,
    subject: str,
    roles: Iterable[str],
    partner_slug: str | None,
    ttl: timedelta,
    *,
    now: datetime | None = None,
) -> str:
    """An HS256 token for development and demos, signed with the configured secret."""
    issued = now if now is not None else datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "roles": sorted(roles),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
    }
    if partner_slug is not None:
        claims["partner"] = partner_slug
    return jwt.encode(claims, settings.jwt_secret, algorithm=HMAC_ALGORITHM)
