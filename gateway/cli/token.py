"""`partner-gateway token --user EMAIL`: a development JWT for a user in the database."""

from __future__ import annotations

import asyncpg
import typer

from gateway.auth.dev_tokens import NoSuchUser, token_for_user
from gateway.auth.durations import parse_duration
from gateway.cli.connection import fail, load_settings, run_with_connection


def token_command(
    user: str = typer.Option(..., "--user", help="The e-mail of a seeded user."),
    ttl: str = typer.Option("8h", "--ttl", help="Lifetime such as 8h, 30m or 7d."),
) -> None:
    """Print a token (and only the token) for USER, e.g. TOKEN=$(partner-gateway token --user …).

    Signed with JWT_SECRET, or the secret generated in DATA_DIR, so the local server accepts it.
    """
    settings, auth_settings = load_settings()
    try:
        lifetime = parse_duration(ttl)
    except ValueError as exc:
        raise fail(f"--ttl: {exc}", code=2) from None

    async def work(conn: asyncpg.Connection) -> str:
        _, token = await token_for_user(conn, auth_settings, user, lifetime)
        return token

    try:
        token = run_with_connection(settings, work)
    except NoSuchUser as exc:
        raise fail(str(exc)) from None
    typer.echo(token)
