"""The Authenticator: a request's headers -> a Principal, or an AuthenticationError with a code.

Each request costs one SQL statement: the person's accounts, or the key with its partner. Key
validity is never cached, so a revoked key is refused on its very next request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from gateway.auth.api_keys import UNKNOWN_KEY_HASH, parse_api_key, secret_matches
from gateway.auth.errors import (
    ACCOUNT_INACTIVE,
    API_KEY_EXPIRED,
    API_KEY_REVOKED,
    CONFLICTING_CREDENTIALS,
    INVALID_API_KEY,
    INVALID_TOKEN,
    UNAUTHENTICATED,
    AuthenticationError,
)
from gateway.auth.jwt_tokens import TokenVerifier
from gateway.auth.last_used import LastUsedRecorder
from gateway.auth.people import SUSPENDED, person_principal
from gateway.auth.principal import Principal
from gateway.auth.settings import AuthSettings
from gateway.errors import DATABASE_UNAVAILABLE
from gateway.store import api_keys as api_keys_store
from gateway.store import identities
from gateway.store.api_keys import StoredApiKey
from gateway.store.database import Executor, is_unavailable, plain_reads

log = logging.getLogger(__name__)

API_KEY_HEADER = "x-api-key"
AUTHORIZATION_HEADER = "authorization"


class Authenticator:
    def __init__(self, settings: AuthSettings, db: Executor) -> None:
        self.settings = settings
        self._db = db
        self._tokens = TokenVerifier(settings)
        self.last_used = LastUsedRecorder(db, settings.api_key_last_used_flush_seconds)

    def start(self) -> None:
        """Start flushing API keys' last use in the background (from a running loop)."""
        self.last_used.start()

    async def stop(self) -> None:
        await self.last_used.stop()

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        """`headers` with lower-case names, as Starlette gives them."""
        authorization = _present(headers.get(AUTHORIZATION_HEADER))
        api_key = _present(headers.get(API_KEY_HEADER))
        if authorization is not None and api_key is not None:
            raise AuthenticationError(
                CONFLICTING_CREDENTIALS,
                "send either a bearer token or an API key, not both",
            )
        if api_key is not None:
            return await self._by_api_key(api_key)
        if authorization is not None:
            return await self._by_token(_bearer_token(authorization))
        raise AuthenticationError(
            UNAUTHENTICATED,
            "authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'",
        )

    async def _by_token(self, token: str) -> Principal:
        claims = await self._tokens.verify(token)
        with _database_errors(), plain_reads():
            accounts = await identities.fetch_by_email(self._db, claims.subject)
        try:
            return person_principal(claims, accounts)
        except AuthenticationError as refusal:
            log.info("refused the token of %s: %s", claims.subject, refusal.code)
            raise

    async def _by_api_key(self, text: str) -> Principal:
        parsed = parse_api_key(text)
        if parsed is None:
            raise AuthenticationError(
                INVALID_API_KEY, "the API key is malformed (expected pgw_<key id>_<secret>)"
            )
        with _database_errors(), plain_reads():
            stored = await api_keys_store.fetch_by_key_id(self._db, parsed.key_id)
        expected = stored.secret_hash if stored is not None else UNKNOWN_KEY_HASH
        # Checked before revocation or expiry, so only the key's holder learns its state.
        if not secret_matches(parsed.secret, expected) or stored is None:
            log.info("refused API key %s: unknown key id or wrong secret", parsed.key_id)
            raise AuthenticationError(INVALID_API_KEY, "the API key is not valid")
        now = datetime.now(UTC)
        _ensure_usable(stored, now)
        self.last_used.note(parsed.key_id, now)
        return _key_principal(stored)


@contextmanager
def _database_errors() -> Iterator[None]:
    """The database being away is said with a code (answered 503), not a stack trace."""
    try:
        yield
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        log.warning("could not authenticate: the database is unavailable (%r)", exc)
        raise AuthenticationError(
            DATABASE_UNAVAILABLE, "The database is unavailable; try again shortly"
        ) from None


def _present(value: str | None) -> str | None:
    """Empty headers (some proxies and clients send them) count as absent."""
    if value is None or not value.strip():
        return None
    return value.strip()


def _bearer_token(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError(
            INVALID_TOKEN, "the Authorization header must be 'Bearer <token>'"
        )
    if token.startswith("pgw_"):
        raise AuthenticationError(
            INVALID_TOKEN, "that looks like an API key: send it in the X-API-Key header"
        )
    return token


def _ensure_usable(stored: StoredApiKey, now: datetime) -> None:
    record = stored.record
    refusal: AuthenticationError | None = None
    if record.revoked_at is not None:
        refusal = AuthenticationError(API_KEY_REVOKED, "the API key has been revoked")
    elif record.expires_at is not None and record.expires_at <= now:
        refusal = AuthenticationError(API_KEY_EXPIRED, "the API key has expired")
    elif stored.partner_status == SUSPENDED:
        refusal = AuthenticationError(
            ACCOUNT_INACTIVE, f"the partner organisation {record.partner_slug!r} is suspended"
        )
    if refusal is not None:
        log.info("refused API key %s: %s", record.key_id, refusal.code)
        raise refusal


def _key_principal(stored: StoredApiKey) -> Principal:
    record = stored.record
    return Principal(
        subject=f"apikey:{record.key_id}",
        credential="api_key",
        roles=frozenset({record.role}),
        partner_id=record.partner_id,
        partner_slug=record.partner_slug,
        user_id=None,
        vendor_user_id=None,
        managed_partner_ids=frozenset(),
        key_scopes=record.scopes,
        key_id=record.key_id,
        persisted_only=record.persisted_only,
    )
