"""`partner-gateway apikeys …` and `partner-gateway token`, run as a user would run them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
import typer
from typer.testing import CliRunner, Result

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import API_KEY_REVOKED, AuthenticationError
from gateway.auth.principal import Principal
from gateway.auth.settings import AuthSettings
from gateway.cli.apikeys import apikeys_app
from gateway.cli.token import token_command

KEY = re.compile(r"pgw_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")
Invoke = Callable[..., Result]


def cli() -> typer.Typer:
    """The commands registered the way gateway/cli/main.py registers them."""
    app = typer.Typer()
    app.add_typer(apikeys_app, name="apikeys")
    app.command("token")(token_command)
    return app


@pytest.fixture
def run(auth_dsn: str, tmp_path: Path) -> Invoke:
    env = {"DATABASE_URL": auth_dsn, "DATA_DIR": str(tmp_path), "COLUMNS": "200"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli(), list(args), env=env)

    return invoke


def authenticate(dsn: str, data_dir: Path, headers: dict[str, str]) -> Principal:
    """What the server would make of these headers, with the settings the CLI used."""

    async def check() -> Principal:
        conn = await asyncpg.connect(dsn)
        try:
            settings = AuthSettings.from_env({}, data_dir)
            return await Authenticator(settings, conn).authenticate(headers)
        finally:
            await conn.close()

    return asyncio.run(check())


def test_create_prints_the_key_once_and_list_never_shows_it(
    run: Invoke, auth_dsn: str, tmp_path: Path
) -> None:
    created = run(
        "apikeys", "create", "--partner", "acme", "--scopes", "read,write", "--name", "Acme ERP",
        "--expires", "90d",
    )
    assert created.exit_code == 0, created.output
    assert KEY.fullmatch(created.stdout.strip()), created.stdout  # stdout: the key, alone
    assert "cannot be shown again" in created.stderr
    key = created.stdout.strip()
    key_id = key.split("_")[1]
    secret = key.split("_", 2)[2]

    listed = run("apikeys", "list", "--partner", "acme")
    assert listed.exit_code == 0, listed.output
    assert key_id in listed.stdout and "Acme ERP" in listed.stdout
    assert "read,write" in listed.stdout
    assert secret not in listed.output

    principal = authenticate(auth_dsn, tmp_path, {"x-api-key": key})
    assert principal.key_scopes == frozenset({"read", "write"})

    revoked = run("apikeys", "revoke", key_id)
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(AuthenticationError) as caught:
        authenticate(auth_dsn, tmp_path, {"x-api-key": key})
    assert caught.value.code == API_KEY_REVOKED


def test_a_vendor_integration_key_takes_a_vendor_role(run: Invoke) -> None:
    created = run("apikeys", "create", "--name", "BI export", "--role", "vendor_admin")
    assert created.exit_code == 0, created.output
    assert "role vendor_admin" in created.stderr and "for the vendor" in created.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["apikeys", "create", "--partner", "nobody", "--name", "x"], 1, "no partner with"),
        (["apikeys", "list", "--partner", "nobody"], 1, "no partner with"),
        (["apikeys", "revoke", "ffffffffffff"], 1, "no API key with the id"),
        (["apikeys", "create", "--partner", "acme", "--name", "x", "--scopes", "admin"], 2,
         "scopes must be"),
        (["apikeys", "create", "--partner", "acme", "--name", "x", "--role", "analyst"], 2,
         "partner's key has the role"),
        (["apikeys", "create", "--name", "x", "--role", "partner_system"], 2,
         "vendor integration key"),
        (["apikeys", "create", "--partner", "acme", "--name", "x", "--expires", "soon"], 2,
         "not a duration"),
        (["token", "--user", "nobody@nowhere.example"], 1, "no vendor or partner user"),
        (["token", "--user", "rep@acme.example", "--ttl", "forever"], 2, "not a duration"),
    ],
)
def test_refusals_are_clear(run: Invoke, args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_token_prints_only_a_token_the_server_accepts(
    run: Invoke, auth_dsn: str, tmp_path: Path
) -> None:
    result = run("token", "--user", "rep@acme.example", "--ttl", "30m")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    principal = authenticate(auth_dsn, tmp_path, {"authorization": f"Bearer {token}"})
    assert principal.subject == "rep@acme.example"
    assert principal.roles == frozenset({"partner_rep"})
    assert principal.partner_slug == "acme"


def test_names_are_shown_as_typed_never_read_as_markup(run: Invoke) -> None:
    odd = "[/bold] Globex [red]sync"
    created = run("apikeys", "create", "--partner", "globex", "--name", odd)
    assert created.exit_code == 0, created.output
    listed = run("apikeys", "list", "--partner", "globex")
    assert listed.exit_code == 0, listed.output
    assert odd in listed.stdout
