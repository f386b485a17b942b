"""`partner-gateway authz`: explain a decision, and check the policy against its truth tables."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import typer
from rich.console import Console

from gateway.authz.explain import explain
from gateway.authz.policy import DEFAULT_POLICY_DIR, Policy, PolicyError
from gateway.authz.truth_table import check, current_tables, write_tables
from gateway.authz.universe import schema_fields
from gateway.cli.database import database_url
from gateway.config import Settings
from gateway.schema.schema import build_schema
from gateway.store.identities import fetch_by_email

authz_app = typer.Typer(help="Inspect and test the access policy.", no_args_is_help=True)
console = Console(stderr=True)

POLICY_DIR = typer.Option(DEFAULT_POLICY_DIR, "--policy-dir", help="Folder of model.conf.")


def _policy(directory: Path) -> Policy:
    try:
        return Policy.from_dir(directory)
    except PolicyError as exc:
        console.print(f"[red]Policy error:[/red] {exc}")
        raise typer.Exit(2) from None


def explain_lines(
    policy: Policy, roles: list[str], domain: str, obj: str, action: str
) -> tuple[bool, list[str]]:
    allowed = False
    lines: list[str] = []
    for role in roles:
        explanation = explain(policy, role, domain, obj, action)
        allowed = allowed or explanation.allowed
        lines.extend(explanation.lines())
    return allowed, lines


async def _roles_of(dsn: str, email: str) -> tuple[list[str], str]:
    conn = await asyncpg.connect(dsn)
    try:
        accounts = await fetch_by_email(conn, email.strip().lower())
    finally:
        await conn.close()
    if not accounts:
        console.print(f"[red]No user {email!r} in the database.[/red]")
        raise typer.Exit(2)
    return [a.role for a in accounts], accounts[0].partner_slug or "*"


@authz_app.command("explain")
def explain_command(
    obj: str = typer.Option(..., "--object", help="Type (Deal) or field (Deal.internalNotes)."),
    action: str = typer.Option("read", "--action", help="read, create, approve, …"),
    user: str | None = typer.Option(None, "--user", help="A user's e-mail (roles from the DB)."),
    role: str | None = typer.Option(None, "--role", help="Or a role, without a database."),
    partner: str = typer.Option("*", "--partner", help="With --role: the partner's slug."),
    policy_dir: Path = POLICY_DIR,
) -> None:
    """Print the decision and the policy lines that decided it (exit 1 when denied)."""
    if (user is None) == (role is None):
        console.print("[red]Give exactly one of --user and --role.[/red]")
        raise typer.Exit(2)
    policy = _policy(policy_dir)
    if user is not None:
        settings = Settings.from_env()
        with database_url(settings, console) as dsn:
            roles, partner = asyncio.run(_roles_of(dsn, user))
    else:
        assert role is not None
        roles = [role]
    allowed, lines = explain_lines(policy, roles, partner, obj, action)
    for line in lines:
        typer.echo(line)
    raise typer.Exit(0 if allowed else 1)


@authz_app.command("check")
def check_command(
    policy_dir: Path = POLICY_DIR,
    write: bool = typer.Option(
        False, "--write", help="Rewrite the tables from the policy (review the diff!)."
    ),
) -> None:
    """Check the policy against its truth tables in policies/tests/."""
    policy = _policy(policy_dir)
    fields = schema_fields(build_schema()._schema)
    tables_dir = policy_dir / "tests"
    if write:
        write_tables(tables_dir, current_tables(policy, fields))
        typer.echo(f"Wrote the truth tables in {tables_dir}; review them with git diff.")
        return
    problems = check(policy, fields, tables_dir)
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} disagreement(s) between the policy and its truth tables.")
        raise typer.Exit(1)
    typer.echo("The policy agrees with every row of its truth tables.")
