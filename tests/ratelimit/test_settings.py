"""Rate-limit settings from the environment: the budgets' notation, `off`, and REDIS_URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError, Settings


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.rate_limit_per_user == "600/minute"
    assert settings.rate_limit_per_api_key == "1200/minute"
    assert settings.redis_url is None


def test_values_are_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DATA_DIR": str(tmp_path),
            "RATE_LIMIT_PER_USER": "10 per second",
            "RATE_LIMIT_PER_API_KEY": "OFF",
            "REDIS_URL": "async+redis://cache:6379/2",
            "RATE_LIMIT_KEY_PREFIX": "staging",
        }
    )
    assert settings.rate_limit_per_user == "10 per second"
    assert settings.rate_limit_per_api_key is None
    assert settings.redis_url == "async+redis://cache:6379/2"
    assert settings.rate_limit_key_prefix == "staging"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RATE_LIMIT_PER_USER", "lots", "RATE_LIMIT_PER_USER must be a rate"),
        ("RATE_LIMIT_PER_API_KEY", "10/fortnight", "RATE_LIMIT_PER_API_KEY must be a rate"),
        ("REDIS_URL", "http://cache:6379", "REDIS_URL must be a redis://"),
    ],
)
def test_malformed_values_are_refused(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"DATA_DIR": str(tmp_path), name: value})
