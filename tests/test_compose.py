"""docker-compose.yml can't run here (no Docker engine), so check what can go stale without
one: the commands and flags it runs exist, and its environment is settings the gateway accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main
import yaml  # type: ignore[import-untyped]  # PyYAML, from uvicorn[standard]; no stubs

from gateway.cli.main import app
from gateway.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_every_service_command_parses_with_the_cli() -> None:
    commands_of_cli: dict[str, Any] = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    commands = {
        name: service["command"]
        for name, service in compose()["services"].items()
        if service.get("build")
    }
    assert set(commands) == {"crm-sandbox", "gateway"}
    for name, argv in commands.items():
        program, command, *args = argv
        assert program == "partner-gateway", name
        assert command in commands_of_cli, f"{name}: no `{command}` command"
        # Parses the flags as the CLI would (an unknown or malformed one raises), runs nothing.
        commands_of_cli[command].make_context(command, list(args))


def test_the_gateway_environment_is_a_valid_configuration(tmp_path: Path) -> None:
    env = {str(k): str(v) for k, v in compose()["services"]["gateway"]["environment"].items()}
    settings = Settings.from_env({**env, "DATA_DIR": str(tmp_path)})
    assert settings.crm.url == "http://crm-sandbox:8700"
    assert settings.crm.source("deals") == "live"
    assert settings.database_url is not None


def test_the_image_builds_from_files_that_exist() -> None:
    copied = [
        source
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]  # COPY <source>... <destination>
    ]
    assert copied, "the Dockerfile copies nothing"
    missing = [path for path in copied if not (ROOT / path).exists()]
    assert missing == []
