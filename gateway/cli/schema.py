"""`partner-gateway schema`: export the SDL, and diff two versions for breaking changes."""

from __future__ import annotations

from pathlib import Path

import typer
from graphql import GraphQLError

from gateway.schema.contract import CONTRACT_FILE, changes, current_sdl, parse_sdl
from gateway.schema.federation import subgraph_sdl
from gateway.schema.schema import build_schema

schema_app = typer.Typer(help="The schema as a contract.", no_args_is_help=True)


@schema_app.command("export")
def export_command(
    output: Path | None = typer.Option(
        None, "--output", "-o", help=f"Write here (e.g. {CONTRACT_FILE.name}); stdout if omitted."
    ),
    subgraph: bool = typer.Option(
        False,
        "--subgraph",
        help="The federation subgraph SDL (with @link and @key), as `_service { sdl }` answers.",
    ),
) -> None:
    """Print (or write) the schema in SDL, as committed in schema.graphql."""
    sdl = subgraph_sdl(build_schema()) if subgraph else current_sdl()
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
        typer.echo(f"Wrote {output}", err=True)


def _load(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None


@schema_app.command("diff")
def diff_command(old: Path, new: Path) -> None:
    """List the changes from OLD to NEW; exit 1 when any would break existing clients."""
    try:
        found = changes(parse_sdl(_load(old)), parse_sdl(_load(new)))
    except GraphQLError as exc:
        typer.echo(f"not a valid schema: {exc.message}", err=True)
        raise typer.Exit(2) from None
    for change in found:
        typer.echo(str(change))
    breaking = sum(1 for c in found if c.breaking)
    typer.echo(f"{breaking} breaking, {len(found) - breaking} dangerous change(s).")
    raise typer.Exit(1 if breaking else 0)
