"""A partner's people and API keys: invite, deactivate, create and revoke keys; the ApiKey type."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.auth.api_keys import IssuedApiKey
from gateway.context import Context
from gateway.resolvers import people_mutations
from gateway.resolvers.deal_mutations import database_id
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import PartnerUserRole
from gateway.schema.mutations.user_error import UserError
from gateway.store.api_keys import ApiKeyRecord
from gateway.store.table import Row
from gateway.workflows import people as people_rules
from gateway.workflows.mutation import Outcome

if TYPE_CHECKING:
    from gateway.schema.partner_user import PartnerUser

PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]

PEOPLE_CODES = (
    "Codes: NOT_FOUND, INVALID_INPUT, INVALID_TRANSITION, ALREADY_EXISTS, PARTNER_REQUIRED, "
    "CANNOT_DEACTIVATE_SELF."
)


@strawberry.enum(description="What an API key may do.")
class ApiKeyScope(Enum):
    READ = "read"
    WRITE = "write"


@strawberry.type(description="An API key of a partner's systems; its secret is never shown again.")
class ApiKey:
    key_id: str = strawberry.field(description="The key's public id (the part after `pgw_`).")
    name: str = strawberry.field(description="What the key is for, e.g. the system using it.")
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do.")
    created_at: datetime = strawberry.field(description="When the key was created.")
    expires_at: datetime | None = strawberry.field(
        description="When the key stops working; null: it does not expire."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked; null while it is usable."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (recorded within about a minute)."
    )

    @classmethod
    def from_record(cls, record: ApiKeyRecord) -> Self:
        return cls(
            key_id=record.key_id,
            name=record.name,
            scopes=[ApiKeyScope(scope) for scope in sorted(record.scopes)],
            created_at=record.created_at,
            expires_at=record.expires_at,
            revoked_at=record.revoked_at,
            last_used_at=record.last_used_at,
        )


@strawberry.type(description="The partner user a mutation acted on, or why it did nothing.")
class PartnerUserPayload:
    partner_user: PartnerUserRef | None = strawberry.field(
        description="The user after the change."
    )
    user_errors: list[UserError] = strawberry.field(
        description=f"Why nothing was written. {PEOPLE_CODES}"
    )

    @classmethod
    def of(cls, outcome: Outcome[Row]) -> PartnerUserPayload:
        value = outcome.value
        return cls(
            partner_user=None
            if value is None
            else partner_user_types.PartnerUser.from_row(value),
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.type(description="The API key a mutation acted on, or why it did nothing.")
class ApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The key after the change.")
    secret: str | None = strawberry.field(
        description="The whole key to send as `X-API-Key`; answered once, by createApiKey "
        "only, and never stored: keep it now."
    )
    user_errors: list[UserError] = strawberry.field(
        description=f"Why nothing was written. {PEOPLE_CODES}"
    )

    @classmethod
    def issued(cls, outcome: Outcome[IssuedApiKey]) -> ApiKeyPayload:
        value = outcome.value
        return cls(
            api_key=None if value is None else ApiKey.from_record(value.record),
            secret=None if value is None else value.key,
            user_errors=[UserError.of(e) for e in outcome.errors],
        )

    @classmethod
    def revoked(cls, outcome: Outcome[ApiKeyRecord]) -> ApiKeyPayload:
        value = outcome.value
        return cls(
            api_key=None if value is None else ApiKey.from_record(value),
            secret=None,
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.input(description="A new person at a partner; they sign in with this e-mail.")
class InvitePartnerUserInput:
    email: str = strawberry.field(description="Work e-mail address, not used by anyone yet.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    title: str = strawberry.field(description="Job title.")
    role: PartnerUserRole = strawberry.field(description="Role in the partner organisation.")
    partner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Vendor admins only: the partner; partner admins invite to theirs.",
    )


@strawberry.input(description="Stop a partner user from signing in.")
class DeactivatePartnerUserInput:
    id: strawberry.ID = strawberry.field(description="The partner user (not yourself).")


@strawberry.input(description="A new API key for a partner's systems.")
class CreateApiKeyInput:
    name: str = strawberry.field(description="What the key is for, 1 to 200 characters.")
    scopes: list[ApiKeyScope] = strawberry.field(description="READ, WRITE, or both.")
    expires_in_days: int | None = strawberry.field(
        default=None, description="Days until the key stops working (1 to 3650); omit: never."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Vendor admins only: the partner; partner admins get theirs."
    )


@strawberry.input(description="Revoke an API key; it is refused from its next request on.")
class RevokeApiKeyInput:
    key_id: str = strawberry.field(description="The key's public id (`ApiKey.keyId`).")


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(
        description="Add a person to a partner (partner admins for their own partner; vendor "
        "admins for any, with `partnerId`)."
    )
    async def invite_partner_user(
        self,
        info: strawberry.Info[Context, None],
        input: InvitePartnerUserInput,  # noqa: A002
    ) -> PartnerUserPayload:
        def invitation() -> people_rules.Invitation:
            return people_rules.Invitation(
                email=input.email,
                first_name=input.first_name,
                last_name=input.last_name,
                title=input.title,
                role=input.role.value,
                partner_id=database_id(input.partner_id, "Partner", "partnerId"),
            )

        return PartnerUserPayload.of(await people_mutations.invite(info.context, invitation))

    @strawberry.mutation(
        description="Deactivate one of your partner's people; they can no longer sign in."
    )
    async def deactivate_partner_user(
        self,
        info: strawberry.Info[Context, None],
        input: DeactivatePartnerUserInput,  # noqa: A002
    ) -> PartnerUserPayload:
        return PartnerUserPayload.of(await people_mutations.deactivate(info.context, input.id))

    @strawberry.mutation(
        description="Create an API key for your partner's systems (partner admins; vendor "
        "admins with `partnerId`). The secret is in this answer only."
    )
    async def create_api_key(
        self,
        info: strawberry.Info[Context, None],
        input: CreateApiKeyInput,  # noqa: A002
    ) -> ApiKeyPayload:
        def request() -> people_rules.KeyRequest:
            return people_rules.KeyRequest(
                name=input.name,
                scopes=frozenset(scope.value for scope in input.scopes),
                expires_in_days=input.expires_in_days,
                partner_id=database_id(input.partner_id, "Partner", "partnerId"),
            )

        return ApiKeyPayload.issued(await people_mutations.create_api_key(info.context, request))

    @strawberry.mutation(description="Revoke one of your partner's API keys.")
    async def revoke_api_key(
        self,
        info: strawberry.Info[Context, None],
        input: RevokeApiKeyInput,  # noqa: A002
    ) -> ApiKeyPayload:
        return ApiKeyPayload.revoked(
            await people_mutations.revoke_api_key(info.context, input.key_id)
        )
