"""`partner-gateway persisted manifest`: the safelist, generated from `.graphql` operation files."""

from __future__ import annotations

from pathlib import Path

import typer

from gateway.persisted.manifest import ManifestError, build_manifest

persisted_app = typer.Typer(
    help="Persisted operations: the safelist manifest.", no_args_is_help=True
)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "operations"


@persisted_app.command("manifest")
def manifest_command(
    sources: list[Path] | None = typer.Argument(
        None, help=f"Operation files or folders of *.graphql files (default: {EXAMPLES})."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (e.g. persisted-operations.json); else stdout."
    ),
) -> None:
    """Write an Apollo persisted query manifest: each operation's id is its body's SHA-256."""
    files: list[Path] = []
    for source in sources or [EXAMPLES]:
        files.extend(sorted(source.glob("*.graphql")) if source.is_dir() else [source])
    if not files:
        typer.echo("no .graphql files found", err=True)
        raise typer.Exit(2)
    try:
        manifest = build_manifest(files)
    except (ManifestError, OSError) as exc:
        typer.echo(f"cannot build the manifest: {exc}", err=True)
        raise typer.Exit(2) from None
    data = manifest.as_json()
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        typer.echo(f"Wrote {len(manifest.operations)} operations to {output}", err=True)
