"""What the fuzz run found, pinned as plain tests so they stay fixed whatever it generates."""

from __future__ import annotations

from tests.fuzz.conftest import Clients
from tests.support.hygiene import checked_body


def test_service_sdl_for_vendor_staff(http: Clients) -> None:
    """`_service` read the schema from Info, which the compiled path did not carry: it answered
    INTERNAL_SERVER_ERROR until the compiler left it to Strawberry, as it does introspection."""
    client, headers = http["admin@vendor.example"]
    body = checked_body(client.post("/graphql", json={"query": "{ _service { sdl } }"},
                                    headers=headers))
    assert "errors" not in body, body
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Deal implements Node @key(fields: "id")' in sdl
