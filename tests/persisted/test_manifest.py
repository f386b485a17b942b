"""The manifest: Apollo's format, generated from examples/operations, refused when malformed."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from graphql import OperationDefinitionNode, parse
from typer.testing import CliRunner

from gateway.cli.main import app
from gateway.config import ConfigError, Settings
from gateway.persisted.manifest import (
    ManifestError,
    build_manifest,
    operation_hash,
    parse_manifest,
)
from gateway.persisted.operations import configured_manifest
from gateway.persisted.settings import DEFAULT_MANIFEST, PersistedSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "operations"


def test_the_shipped_manifest_is_generated_from_the_examples() -> None:
    expected = build_manifest(sorted(EXAMPLES.glob("*.graphql"))).as_json()
    assert DEFAULT_MANIFEST.read_bytes() == expected, (
        "persisted-operations.json is out of date: run "
        "`partner-gateway persisted manifest -o persisted-operations.json`"
    )


def test_the_cli_writes_apollos_format(tmp_path: Path) -> None:
    output = tmp_path / "manifest.json"
    result = CliRunner().invoke(app, ["persisted", "manifest", "-o", str(output)])
    assert result.exit_code == 0, result.output
    document = orjson.loads(output.read_bytes())
    assert document["format"] == "apollo-persisted-query-manifest"
    assert document["version"] == 1
    names = {operation["name"] for operation in document["operations"]}
    assert len(names) == len(list(EXAMPLES.glob("*.graphql")))
    for operation in document["operations"]:
        assert set(operation) == {"id", "name", "type", "body"}
        # The type is the operation's own keyword (the examples hold queries and one mutation).
        (definition,) = parse(operation["body"]).definitions
        assert isinstance(definition, OperationDefinitionNode)
        assert operation["type"] == definition.operation.value, operation["name"]
        assert operation["id"] == operation_hash(operation["body"])


def test_the_cli_refuses_an_anonymous_operation(tmp_path: Path) -> None:
    source = tmp_path / "anonymous.graphql"
    source.write_text("{ tiers { level } }", encoding="utf-8")
    result = CliRunner().invoke(app, ["persisted", "manifest", str(source)])
    assert result.exit_code == 2
    assert "exactly one named operation" in result.output


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1.graphql").write_text("query Same { tiers { level } }")
    (tmp_path / "2.graphql").write_text("query Same { deals(first: 1) { totalCount } }")
    with pytest.raises(ManifestError, match="share the name Same"):
        build_manifest(sorted(tmp_path.glob("*.graphql")))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{", "not JSON"),
        (b'{"format": "other", "version": 1, "operations": []}', "format"),
        (b'{"format": "apollo-persisted-query-manifest", "version": 2, "operations": []}', "2"),
        (b'{"format": "apollo-persisted-query-manifest", "version": 1}', "operations"),
        (
            b'{"format": "apollo-persisted-query-manifest", "version": 1, '
            b'"operations": [{"id": "a", "name": "A", "body": "{ a }"}]}',
            "operations[0]",
        ),
    ],
)
def test_malformed_manifests(data: bytes, fragment: str) -> None:
    with pytest.raises(ManifestError, match=fragment.replace("[", r"\[")):
        parse_manifest(data)


def test_a_broken_configured_manifest_stops_the_start(tmp_path: Path) -> None:
    broken = tmp_path / "manifest.json"
    broken.write_text("[]")
    with pytest.raises(ConfigError, match="PERSISTED_OPERATIONS_MANIFEST"):
        configured_manifest(PersistedSettings(manifest_path=broken))
    with pytest.raises(ConfigError, match="cannot read"):
        configured_manifest(PersistedSettings(manifest_path=tmp_path / "missing.json"))


def test_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "PERSISTED_OPERATIONS_MANIFEST": str(tmp_path / "m.json"),
        "PERSISTED_OPERATIONS_REQUIRED_ROLES": "partner_rep, api_key",
        "APQ_CACHE_SIZE": "50",
        "APQ_TTL_SECONDS": "600",
        "DATA_DIR": str(tmp_path),
    }
    persisted = Settings.from_env(env).persisted
    assert persisted == PersistedSettings(
        manifest_path=tmp_path / "m.json",
        required_roles=frozenset({"partner_rep", "api_key"}),
        apq_cache_size=50,
        apq_ttl_seconds=600,
    )
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).persisted == PersistedSettings()


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("PERSISTED_OPERATIONS_REQUIRED_ROLES", "partner_rep,reps", "unknown roles ['reps']"),
        ("APQ_CACHE_SIZE", "0", "at least 1"),
        ("APQ_TTL_SECONDS", "soon", "whole number of seconds"),
    ],
)
def test_bad_settings_are_refused(
    name: str, value: str, fragment: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        Settings.from_env({name: value, "DATA_DIR": str(tmp_path)})
