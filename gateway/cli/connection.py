"""What the auth commands share: settings, clear refusals, and one connection for a unit of work."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import typer
from rich.console import Console
from rich.markup import escape

from gateway.auth.settings import AuthSettings
from gateway.cli.database import database_url
from gateway.config import ConfigError, Settings

T = TypeVar("T")

# Messages and warnings go to stderr, so stdout carries only what a script captures.
console = Console(stderr=True)


def fail(message: str, *, code: int = 1) -> typer.Exit:
    """Print `message` as an error; raise the returned Exit (1: refused, 2: bad usage)."""
    # Messages quote what the user typed, which must not be read as rich markup.
    console.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def load_settings() -> tuple[Settings, AuthSettings]:
    try:
        settings = Settings.from_env()
        auth = settings.auth or AuthSettings.from_env(os.environ, settings.data_dir)
    except ConfigError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
    return settings, auth


def run_with_connection(
    settings: Settings, work: Callable[[asyncpg.Connection], Awaitable[T]]
) -> T:
    """Run `work` on one connection to the configured (or embedded) database."""

    async def connected(dsn: str) -> T:
        conn = await asyncpg.connect(dsn)
        try:
            return await work(conn)
        finally:
            await conn.close()

    with database_url(settings, console) as dsn:
        try:
            return asyncio.run(connected(dsn))
        except asyncpg.UndefinedTableError:
            raise fail(
                "the database schema is out of date; run `partner-gateway migrate` first"
            ) from None
