"""The Node interface and opaque global ids (`base64("Deal:42")`, as Relay servers do)."""

from __future__ import annotations

import base64
import binascii

import strawberry

from gateway.errors import InvalidId

# Every type `node(id:)` can answer (and the policy's objects, with Tier).
NODE_TYPES = (
    "Partner",
    "PartnerUser",
    "VendorUser",
    "Deal",
    "Lead",
    "Course",
    "Enrollment",
    "Certification",
)


def to_global_id(type_name: str, row_id: int) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{row_id}".encode()).decode())


def from_global_id(global_id: str, *, expected: str | None = None) -> tuple[str, int]:
    """(type name, database id); a malformed id, or one of another type, is the caller's error."""
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
        type_name, _, raw_id = decoded.partition(":")
        row_id = int(raw_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidId(f"{global_id!r} is not an id this API issued") from None
    if type_name not in NODE_TYPES or row_id <= 0 or row_id > 2**63 - 1:
        raise InvalidId(f"{global_id!r} is not an id this API issued")
    if expected is not None and type_name != expected:
        raise InvalidId(f"{global_id!r} is not the id of a {expected}")
    return type_name, row_id


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
