"""The safelist, in Apollo's persisted query manifest format, read from and written to JSON.

`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name",
"type", "body"}]}`; our ids are the SHA-256 of the body, so an APQ hash names the same operation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, parse

FORMAT = "apollo-persisted-query-manifest"
VERSION = 1


class ManifestError(ValueError):
    """A manifest file that cannot be used (it says which entry and why)."""


def operation_hash(body: str) -> str:
    """The hex SHA-256 of the UTF-8 text: what APQ clients send as `sha256Hash`."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ManifestOperation:
    id: str
    name: str
    type: str  # query, mutation or subscription
    body: str


@dataclass(frozen=True)
class Manifest:
    operations: tuple[ManifestOperation, ...] = ()
    _by_id: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for operation in self.operations:
            self._by_id[operation.id] = operation.body
            # A client that sends the full text of a safelisted operation is using it too.
            self._by_id.setdefault(operation_hash(operation.body), operation.body)

    def body(self, operation_id: str) -> str | None:
        return self._by_id.get(operation_id)

    def as_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "version": VERSION,
            "operations": [
                {"id": o.id, "name": o.name, "type": o.type, "body": o.body}
                for o in self.operations
            ],
        }
        return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _operation(body: str, origin: str) -> ManifestOperation:
    """One named operation per document, as Apollo's manifest generator requires."""
    try:
        document = parse(body)
    except GraphQLError as exc:
        raise ManifestError(f"{origin}: not a GraphQL document: {exc.message}") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None:
        raise ManifestError(f"{origin}: needs exactly one named operation")
    operation = operations[0]
    assert operation.name is not None
    return ManifestOperation(
        id=operation_hash(body),
        name=operation.name.value,
        type=operation.operation.value,
        body=body,
    )


def build_manifest(files: Iterable[Path]) -> Manifest:
    """A manifest of the operations in `.graphql` files, sorted by name (a stable diff)."""
    operations = [_operation(path.read_text(encoding="utf-8"), str(path)) for path in files]
    names = [o.name for o in operations]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ManifestError(f"two operations share the name {', '.join(duplicates)}")
    return Manifest(tuple(sorted(operations, key=lambda o: o.name)))


def _entry(raw: Any, index: int) -> ManifestOperation:
    if not isinstance(raw, Mapping) or not all(
        isinstance(raw.get(key), str) for key in ("id", "name", "type", "body")
    ):
        raise ManifestError(f"operations[{index}] needs string id, name, type and body")
    return ManifestOperation(raw["id"], raw["name"], raw["type"], raw["body"])


def parse_manifest(data: bytes, origin: str = "the manifest") -> Manifest:
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ManifestError(f"{origin} is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ManifestError(f'{origin} must have "format": "{FORMAT}"')
    if document.get("version") != VERSION:
        raise ManifestError(f"{origin} has version {document.get('version')!r}; 1 is known")
    operations = document.get("operations")
    if not isinstance(operations, list):
        raise ManifestError(f'{origin} must have an "operations" list')
    return Manifest(tuple(_entry(raw, i) for i, raw in enumerate(operations)))


def load_manifest(path: Path) -> Manifest:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read the manifest {path}: {exc.strerror}") from None
    return parse_manifest(data, str(path))
