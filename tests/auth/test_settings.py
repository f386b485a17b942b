"""Authentication settings: defaults, the generated dev secret, and clear refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gateway.auth.settings import SECRET_FILE_NAME, AuthSettings
from gateway.config import ConfigError


def test_defaults_generate_a_private_secret_once(tmp_path: Path) -> None:
    first = AuthSettings.from_env({}, tmp_path / "data")
    again = AuthSettings.from_env({}, tmp_path / "data")
    secret_file = tmp_path / "data" / SECRET_FILE_NAME
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert first.jwt_secret == again.jwt_secret == secret_file.read_text().strip()
    assert len(first.jwt_secret) >= 32
    assert (first.jwt_issuer, first.jwt_audience) == ("partner-gateway", "partner-gateway")
    assert first.jwks_url is None
    assert first.jwt_leeway_seconds == 30
    assert first.api_key_last_used_flush_seconds == 60
    assert list((tmp_path / "data").iterdir()) == [secret_file]  # no temporary files left


def test_values_are_read(tmp_path: Path) -> None:
    settings = AuthSettings.from_env(
        {
            "JWT_SECRET": "k" * 40,
            "JWT_ISSUER": "https://idp.example",
            "JWT_AUDIENCE": "gateway-api",
            "JWKS_URL": "https://idp.example/.well-known/jwks.json",
            "JWT_LEEWAY_SECONDS": "5",
            "API_KEY_LAST_USED_FLUSH_SECONDS": "10",
        },
        tmp_path,
    )
    assert settings.jwt_secret == "k" * 40
    assert settings.jwt_issuer == "https://idp.example"
    assert settings.jwt_audience == "gateway-api"
    assert settings.jwks_url == "https://idp.example/.well-known/jwks.json"
    assert (settings.jwt_leeway_seconds, settings.api_key_last_used_flush_seconds) == (5, 10)
    assert not (tmp_path / SECRET_FILE_NAME).exists()  # a configured secret needs no file


def test_the_secret_never_shows_in_repr(tmp_path: Path) -> None:
    settings = AuthSettings.from_env({"JWT_SECRET": "z" * 40}, tmp_path)
    assert "z" * 40 not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JWT_SECRET": "short"}, "JWT_SECRET must be at least 32 bytes"),
        ({"JWT_LEEWAY_SECONDS": "soon"}, "JWT_LEEWAY_SECONDS must be a whole number"),
        ({"JWT_LEEWAY_SECONDS": "-1"}, "JWT_LEEWAY_SECONDS must be at least 0"),
        ({"API_KEY_LAST_USED_FLUSH_SECONDS": "0"}, "API_KEY_LAST_USED_FLUSH_SECONDS must be at"),
        ({"JWKS_URL": "file:///etc/passwd"}, "JWKS_URL must be an http"),
        ({"JWKS_URL": "idp.example/jwks"}, "JWKS_URL must be an http"),
        ({"JWT_ISSUER": " padded "}, "JWT_ISSUER must not start or end with whitespace"),
    ],
)
def test_bad_values_are_refused_clearly(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=message):
        AuthSettings.from_env({"JWT_SECRET": "k" * 40, **env}, tmp_path)


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    secret_file = tmp_path / SECRET_FILE_NAME
    secret_file.write_text("x" * 64)
    os.chmod(secret_file, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        AuthSettings.from_env({}, tmp_path)


def test_a_short_secret_file_is_refused(tmp_path: Path) -> None:
    secret_file = tmp_path / SECRET_FILE_NAME
    secret_file.write_text("tiny\n")
    os.chmod(secret_file, 0o600)
    with pytest.raises(ConfigError, match="shorter than 32 bytes"):
        AuthSettings.from_env({}, tmp_path)
