"""Authentication settings from the environment, with the dev JWT secret kept in the data folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gateway.config import ConfigError, read_int

SECONDS = "a whole number of seconds"

SECRET_FILE_NAME = "jwt-secret"
# HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2); pyjwt warns below this.
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class AuthSettings:
    # repr=False: settings get logged and printed, the secret must never be.
    jwt_secret: str = field(repr=False)
    jwt_issuer: str = "partner-gateway"
    jwt_audience: str = "partner-gateway"
    jwks_url: str | None = None
    jwt_leeway_seconds: int = 30
    # The least time between two JWKS fetches forced by an unknown `kid`: random kids in
    # forged tokens must not turn each request into a request to the identity provider.
    jwks_refresh_cooldown_seconds: int = 30
    api_key_last_used_flush_seconds: int = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str], data_dir: Path) -> AuthSettings:
        secret = env.get("JWT_SECRET") or None
        if secret is None:
            secret = _stored_secret(data_dir / SECRET_FILE_NAME)
        elif len(secret.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
        return cls(
            jwt_secret=secret,
            jwt_issuer=_text(env, "JWT_ISSUER", "partner-gateway"),
            jwt_audience=_text(env, "JWT_AUDIENCE", "partner-gateway"),
            jwks_url=_jwks_url(env),
            jwt_leeway_seconds=read_int(env, "JWT_LEEWAY_SECONDS", 30, minimum=0, kind=SECONDS),
            jwks_refresh_cooldown_seconds=read_int(
                env, "JWKS_REFRESH_COOLDOWN_SECONDS", 30, minimum=0, kind=SECONDS
            ),
            api_key_last_used_flush_seconds=read_int(
                env, "API_KEY_LAST_USED_FLUSH_SECONDS", 60, minimum=1, kind=SECONDS
            ),
        )


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw != raw.strip():
        raise ConfigError(f"{name} must not start or end with whitespace, got {raw!r}")
    return raw


def _jwks_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("JWKS_URL") or None
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"JWKS_URL must be an http(s) URL, got {raw!r}")
    return raw


def _stored_secret(path: Path) -> str:
    """The generated secret in `path`, created on first use so the CLI and the server agree."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_once(path, secrets.token_urlsafe(48))
        if path.stat().st_mode & 0o077:
            raise ConfigError(
                f"{path} holds the JWT secret but others may read it; run `chmod 600 {path}`"
            )
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot keep the generated JWT secret in {path}: {exc}") from None
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"{path} holds a JWT secret shorter than {MIN_SECRET_BYTES} bytes; delete it to have "
            "a new one generated, or set JWT_SECRET"
        )
    return secret


def _create_once(path: Path, secret: str) -> None:
    """Write `secret` to `path` unless it exists; two processes starting together agree.

    The secret is written in full to a private temporary file first and then hard-linked into
    place, which fails if the file exists: nobody can read a half-written secret, and the
    first process to link wins.
    """
    if path.exists():
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secret + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
