"""Apollo Federation 2: the root fields that make the schema a subgraph, `_service` and `_entities`.

Entities are keyed on the global `id` (`@key(fields: "id")`): the identity every client and
`node(id:)` already use. Database ids are not in the schema, and a key must be a field. Each
representation resolves through the type's `resolve_reference`, that is the request's loaders
(one batch per type) and the caller's grant: what `node(id:)` would not show, `_entities` answers
null for too, and the field guards apply to what it returns.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Annotated, Any, Final, cast

import strawberry
from strawberry.federation.schema import FederationAny
from strawberry.printer import print_schema

from gateway.authz.universe import SERVICE_OBJECT
from gateway.context import Context
from gateway.errors import BadUserInput, GatewayError
from gateway.resolvers.lists import require_read
from gateway.schema.deal import Deal
from gateway.schema.lead import Lead
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser

# The specification version linked in the SDL. The subgraph needs only `@key` (2.0); 2.0 is the
# version every Federation 2 router and composition release accepts.
FEDERATION_VERSION: Final = "2.0"

ENTITY_TYPES: dict[str, type[Partner | PartnerUser | Deal | Lead]] = {
    "Partner": Partner,
    "PartnerUser": PartnerUser,
    "Deal": Deal,
    "Lead": Lead,
}

Entity = Annotated[Partner | PartnerUser | Deal | Lead, strawberry.union("_Entity")]

_printed: weakref.WeakKeyDictionary[strawberry.Schema, str] = weakref.WeakKeyDictionary()


def subgraph_sdl(schema: strawberry.Schema) -> str:
    """The schema with its federation directives (`@link`, `@key`), printed once per schema."""
    if schema not in _printed:
        _printed[schema] = print_schema(schema)
    return _printed[schema]


@strawberry.type(name="_Service", description="The subgraph, as a federation router sees it.")
class Service:
    sdl: str = strawberry.field(
        description="The schema in SDL with its federation directives (`@link`, `@key`)."
    )


def _reference(representation: Any) -> tuple[type[Partner | PartnerUser | Deal | Lead], str]:
    """The entity type and key a representation names; anything else is the caller's error."""
    if not isinstance(representation, dict):
        raise BadUserInput("A representation is an object: {__typename, id}")
    entity = ENTITY_TYPES.get(str(representation.get("__typename")))
    if entity is None:
        names = ", ".join(sorted(ENTITY_TYPES))
        raise BadUserInput(f"A representation's __typename is one of {names}")
    key = representation.get("id")
    if not isinstance(key, str):
        raise BadUserInput("A representation carries its entity's key: `id`, a global id")
    return entity, key


async def _resolve(
    info: strawberry.Info[Context, None], representation: Any
) -> Partner | PartnerUser | Deal | Lead | GatewayError | None:
    try:
        entity, key = _reference(representation)
        return await entity.resolve_reference(info, strawberry.ID(key))
    except GatewayError as error:
        return error  # this representation's slot only: the others still resolve


@strawberry.type
class FederationQueries:
    """Mixed into Query. Declared here rather than left to Strawberry's defaults, so that
    `_service` answers to the policy and `_entities` refuses malformed representations with a
    code (each in its own slot, as routers expect)."""

    @strawberry.field(
        name="_service",
        description="Federation: this subgraph's SDL, for composing a supergraph. Vendor staff "
        "only (as introspection); anyone else gets a FORBIDDEN error.",
    )
    def service(self, info: strawberry.Info[Context, None]) -> Service:
        require_read(info.context, SERVICE_OBJECT)
        return Service(sdl=subgraph_sdl(info.schema))

    @strawberry.field(
        name="_entities",
        description="Federation: the Partner, PartnerUser, Deal or Lead each representation "
        "`{__typename, id}` names, in order; null where `node(id:)` would answer null.",
    )
    async def entities(
        self, info: strawberry.Info[Context, None], representations: list[FederationAny]
    ) -> list[Entity | None]:
        found = await asyncio.gather(*(_resolve(info, r) for r in representations))
        # graphql-core raises an exception found in a list as that item's error (Strawberry's
        # own entities resolver relies on this too).
        return cast(list[Entity | None], found)
