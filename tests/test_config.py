"""Configuration from the environment: defaults, parsing and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError, Settings


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.embedded
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.data_dir == tmp_path
    assert settings.auth is not None and len(settings.auth.jwt_secret) >= 32
    assert settings.max_page_size == 100


def test_values_are_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://db/x",
            "PORT": "9001",
            "LOG_LEVEL": "DEBUG",
            "DATA_DIR": str(tmp_path),
            "HOST": "0.0.0.0",
        }
    )
    assert settings.host == "0.0.0.0"
    assert not settings.embedded
    assert settings.port == 9001
    assert settings.log_level == "debug"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "PORT must be an integer"),
        ({"PORT": "70000"}, "PORT must be at most 65535"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        ({"GRAPHIQL": "maybe"}, "GRAPHIQL must be true or false"),
        ({"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"}, "DB_POOL_MIN must not exceed"),
        ({"POLICY_DIR": "/nonexistent"}, "holds no policy.csv"),
        ({"JWT_SECRET": "short"}, "JWT_SECRET must be at least 32 bytes"),
    ],
)
def test_bad_values_are_refused_clearly(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"DATA_DIR": str(tmp_path), **env})
