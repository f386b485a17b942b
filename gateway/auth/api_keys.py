"""API keys, `pgw_<key id>_<secret>`: made, parsed and checked; only the secret's hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from gateway.auth.principal import KEY_SCOPES
from gateway.store import api_keys as api_keys_store
from gateway.store.api_keys import ApiKeyRecord, NewApiKey
from gateway.store.database import Executor

PREFIX = "pgw"
SECRET_BYTES = 32
PARTNER_KEY_ROLE = "partner_system"
VENDOR_KEY_ROLES = frozenset({"analyst", "vendor_admin"})
MAX_NAME_LENGTH = 200
# The key id is 12 hex digits; the secret is token_urlsafe(32): 43 characters of base64url,
# which may themselves contain "_", so the secret is everything after the second underscore.
_KEY = re.compile(r"pgw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class ParsedApiKey:
    key_id: str
    secret: str = field(repr=False)


def parse_api_key(text: str) -> ParsedApiKey | None:
    match = _KEY.fullmatch(text.strip())
    if match is None:
        return None
    return ParsedApiKey(key_id=match.group(1), secret=match.group(2))


def hash_secret(secret: str) -> bytes:
    # A plain, fast SHA-256 is enough here, unlike for passwords: slow hashes (bcrypt, argon2)
    # exist to make guessing a human-chosen password from a stolen hash expensive, but this
    # secret is 256 random bits, beyond any guessing however fast each guess is. A fast hash
    # also keeps checking a key cheap on every request.
    return hashlib.sha256(secret.encode("ascii")).digest()


# Compared against when the key id is unknown, so an unknown id and a wrong secret take the
# same path and the same time.
UNKNOWN_KEY_HASH = hash_secret("no key has this id")


def secret_matches(secret: str, secret_hash: bytes) -> bool:
    """Constant-time, so response times say nothing about how much of a guess was right."""
    return hmac.compare_digest(hash_secret(secret), secret_hash)


@dataclass(frozen=True)
class IssuedApiKey:
    record: ApiKeyRecord
    key: str = field(repr=False)  # the whole key: shown to its owner once, never stored


def check_key_request(
    name: str, partner_slug: str | None, scopes: frozenset[str], role: str
) -> None:
    """ValueError, with a message for the person asking, unless the key may be made as asked."""
    if not 1 <= len(name.strip()) <= MAX_NAME_LENGTH:
        raise ValueError(f"a key's name must have 1 to {MAX_NAME_LENGTH} characters")
    unknown = scopes - KEY_SCOPES
    if unknown or not scopes:
        raise ValueError(
            f"scopes must be one or more of read, write; got {', '.join(sorted(scopes)) or 'none'}"
        )
    if partner_slug is not None and role != PARTNER_KEY_ROLE:
        raise ValueError(f"a partner's key has the role {PARTNER_KEY_ROLE}, not {role}")
    if partner_slug is None and role not in VENDOR_KEY_ROLES:
        raise ValueError(
            f"a vendor integration key (no partner) has the role analyst or vendor_admin, "
            f"not {role}"
        )


async def issue_api_key(
    db: Executor,
    *,
    name: str,
    partner_slug: str | None,
    scopes: Iterable[str],
    role: str,
    expires_at: datetime | None,
    created_by: str,
    persisted_only: bool = False,
) -> IssuedApiKey:
    """Make and store a new key; raises ValueError for a bad request, UnknownPartner for a slug."""
    wanted = frozenset(scopes)
    check_key_request(name, partner_slug, wanted, role)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    record = await api_keys_store.create(
        db,
        NewApiKey(
            key_id=key_id,
            secret_hash=hash_secret(secret),
            partner_slug=partner_slug,
            name=name,
            scopes=wanted,
            role=role,
            expires_at=expires_at,
            created_by=created_by,
            persisted_only=persisted_only,
        ),
    )
    return IssuedApiKey(record=record, key=f"{PREFIX}_{key_id}_{secret}")
