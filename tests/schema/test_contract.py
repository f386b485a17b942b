"""schema.graphql is the reviewed contract: the code's schema must match it exactly."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gateway.cli.schema import schema_app
from gateway.schema.contract import CONTRACT_FILE, changes, current_sdl, parse_sdl


def test_committed_schema_matches_the_code() -> None:
    assert CONTRACT_FILE.read_text(encoding="utf-8") == current_sdl(), (
        "the schema changed: review it, then run "
        "`partner-gateway schema export -o schema.graphql` and commit the file"
    )


def test_removing_a_field_is_breaking(tmp_path: Path) -> None:
    old = current_sdl()
    # A rename is a removal for every client that asks for the old name.
    new = old.replace("  customerDomain: String!\n", "  customerWebDomain: String!\n", 1)
    assert new != old
    found = changes(parse_sdl(old), parse_sdl(new))
    assert [c.kind for c in found if c.breaking] == ["FIELD_REMOVED"]


def test_cli_diff_exit_codes(tmp_path: Path) -> None:
    old, same, narrower = (
        tmp_path / "old.graphql",
        tmp_path / "same.graphql",
        tmp_path / "n.graphql",
    )
    sdl = current_sdl()
    old.write_text(sdl)
    same.write_text(sdl)
    # A new required argument on an existing field breaks every caller that omits it.
    narrower.write_text(sdl.replace("partner(slug: String!)", "partner(slug: String!, x: Int!)"))
    runner = CliRunner()
    unchanged = runner.invoke(schema_app, ["diff", str(old), str(same)])
    assert unchanged.exit_code == 0 and "0 breaking" in unchanged.output
    broken = runner.invoke(schema_app, ["diff", str(old), str(narrower)])
    assert broken.exit_code == 1
    assert "REQUIRED_ARG_ADDED" in broken.output


def test_cli_export_writes_the_contract(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    result = CliRunner().invoke(schema_app, ["export", "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text() == current_sdl()
