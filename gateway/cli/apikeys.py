"""`partner-gateway apikeys create|list|revoke`: API keys for partners' systems and integrations."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import asyncpg
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gateway.auth.api_keys import (
    PARTNER_KEY_ROLE,
    IssuedApiKey,
    check_key_request,
    issue_api_key,
)
from gateway.auth.durations import parse_duration
from gateway.cli.connection import console, fail, load_settings, run_with_connection
from gateway.store import api_keys as api_keys_store
from gateway.store.api_keys import ApiKeyRecord, UnknownPartner

apikeys_app = typer.Typer(
    help="Create, list and revoke API keys (the key itself is shown only when it is created).",
    no_args_is_help=True,
    add_completion=False,
)
# Least privilege when --role is not given: a vendor key that can read but not administer.
DEFAULT_VENDOR_KEY_ROLE = "analyst"


@apikeys_app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="What the key is for, e.g. 'Acme ERP'."),
    partner: str | None = typer.Option(
        None, "--partner", help="The partner's slug; leave out for a vendor integration key."
    ),
    scopes: str = typer.Option("read", "--scopes", help="Comma-separated: read, write."),
    role: str | None = typer.Option(
        None,
        "--role",
        help="partner_system for a partner's key (the only choice); analyst (the default) "
        "or vendor_admin for a vendor integration key.",
    ),
    expires: str | None = typer.Option(
        None, "--expires", help="Lifetime such as 90d, 8h or 30m; by default it never expires."
    ),
    persisted_only: bool = typer.Option(
        False,
        "--persisted-only",
        help="The key may run only the operations in the persisted operations manifest.",
    ),
) -> None:
    """Create a key and print it once: only its hash is stored, so it cannot be shown again."""
    settings, _ = load_settings()
    wanted = frozenset(scope.strip() for scope in scopes.split(",") if scope.strip())
    key_role = role or (PARTNER_KEY_ROLE if partner else DEFAULT_VENDOR_KEY_ROLE)
    try:
        check_key_request(name, partner, wanted, key_role)
    except ValueError as exc:
        raise fail(str(exc), code=2) from None
    expires_at = None
    if expires is not None:
        try:
            expires_at = datetime.now(UTC) + parse_duration(expires)
        except ValueError as exc:
            raise fail(f"--expires: {exc}", code=2) from None

    async def work(conn: asyncpg.Connection) -> IssuedApiKey:
        return await issue_api_key(
            conn,
            name=name,
            partner_slug=partner,
            scopes=wanted,
            role=key_role,
            expires_at=expires_at,
            created_by=_operator(),
            persisted_only=persisted_only,
        )

    try:
        issued = run_with_connection(settings, work)
    except UnknownPartner as exc:
        raise fail(str(exc)) from None
    record = issued.record
    owner = f"partner {record.partner_slug}" if record.partner_slug else "the vendor"
    console.print(
        f"Created API key [bold]{record.key_id}[/bold] ({escape(repr(record.name))}) for {owner}: "
        f"role {record.role}, scopes {_scopes(record)}, expires {_when(record.expires_at)}"
        f"{', persisted operations only' if record.persisted_only else ''}.",
        highlight=False,
    )
    console.print(
        "[yellow]Copy the key now: it is not stored and cannot be shown again.[/yellow]"
    )
    typer.echo(issued.key)


@apikeys_app.command("list")
def list_keys(
    partner: str | None = typer.Option(None, "--partner", help="Only this partner's keys."),
) -> None:
    """List keys (never their secrets): id, name, partner, scopes and dates."""
    settings, _ = load_settings()

    async def work(conn: asyncpg.Connection) -> list[ApiKeyRecord]:
        return await api_keys_store.fetch_all(conn, partner_slug=partner)

    try:
        records = run_with_connection(settings, work)
    except UnknownPartner as exc:
        raise fail(str(exc)) from None
    if not records:
        console.print("No API keys yet.")
        return
    table = Table(title="API keys")
    # The key id is what `revoke` takes, so it is never wrapped or cut; the rest may wrap.
    table.add_column("key id", no_wrap=True)
    for heading in ("name", "partner", "role", "scopes", "created", "expires", "revoked"):
        table.add_column(heading)
    table.add_column("last used")
    for record in records:
        table.add_row(
            record.key_id,
            escape(record.name),
            record.partner_slug or "(vendor)",
            record.role,
            _scopes(record) + (" (persisted only)" if record.persisted_only else ""),
            _when(record.created_at),
            _when(record.expires_at),
            _when(record.revoked_at, never="-"),
            _when(record.last_used_at, never="-"),
        )
    Console().print(table)


@apikeys_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key id shown by `apikeys list`.")) -> None:
    """Revoke a key: requests with it are refused from now on (revoking twice is harmless)."""
    settings, _ = load_settings()

    async def work(conn: asyncpg.Connection) -> bool:
        return await api_keys_store.revoke(conn, key_id)

    if not run_with_connection(settings, work):
        raise fail(f"there is no API key with the id {key_id!r}")
    console.print(f"API key {key_id} is revoked.", highlight=False)


def _operator() -> str:
    """Who ran the command, for the key's `created_by` (containers may have no user name)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _scopes(record: ApiKeyRecord) -> str:
    return ",".join(sorted(record.scopes))


def _when(moment: datetime | None, *, never: str = "never") -> str:
    return never if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
