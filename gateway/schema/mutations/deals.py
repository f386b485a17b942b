"""Deal registration mutations: register, update, approve, reject, extend and close."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

import asyncpg
import strawberry

from gateway.context import Context
from gateway.resolvers import deal_mutations
from gateway.resolvers.deal_mutations import database_id
from gateway.schema.deal import Deal
from gateway.schema.enums import DealStage, Region
from gateway.schema.mutations.user_error import UserError
from gateway.store.table import Row
from gateway.workflows import deals as deal_rules
from gateway.workflows.mutation import Outcome


@strawberry.type(description="The deal a mutation acted on, or why it did nothing.")
class DealPayload:
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")

    @classmethod
    def of(cls, outcome: Outcome[Row]) -> DealPayload:
        return cls(
            deal=None if outcome.value is None else Deal.from_row(outcome.value),
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.input(description="A new deal registration. Conflicts are detected on submit.")
class RegisterDealInput:
    customer_name: str = strawberry.field(description="The end customer's company name.")
    customer_domain: str = strawberry.field(
        description="The end customer's web domain (a URL is fine; it is normalised)."
    )
    products: list[str] = strawberry.field(description="Product codes, e.g. NET-FW.")
    amount: Decimal = strawberry.field(description="Expected deal value.")
    expected_close_date: date = strawberry.field(description="Today or later.")
    region: Region = strawberry.field(description="The end customer's region.")
    currency: str = strawberry.field(default="USD", description="ISO 4217 code.")
    stage: DealStage = strawberry.field(
        default=DealStage.PROSPECTING, description="An open sales stage."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The owning partner user; defaults to you. Required for API keys.",
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Vendor staff only: the partner registering."
    )


@strawberry.input(description="Changes to an open registration; omitted fields stay.")
class UpdateDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    customer_name: str | None = strawberry.field(default=None, description="New name.")
    amount: Decimal | None = strawberry.field(default=None, description="New amount.")
    stage: DealStage | None = strawberry.field(default=None, description="New open stage.")
    expected_close_date: date | None = strawberry.field(
        default=None, description="New expected close date."
    )


@strawberry.input(description="Approve a pending registration, or grant its extension.")
class ApproveDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    protection_days: int | None = strawberry.field(
        default=None, description="Protection period; the configured default when omitted."
    )


@strawberry.input(description="Reject a pending registration, or decline its extension.")
class RejectDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    reason: str = strawberry.field(description="Shown to the partner.")


@strawberry.input(description="Ask for a longer protection period, before it ends.")
class RequestDealExtensionInput:
    id: strawberry.ID = strawberry.field(description="The approved deal.")
    days: int = strawberry.field(description="Extra days, 1 to 180.")
    reason: str = strawberry.field(description="Why more time is needed.")


@strawberry.enum(description="How a deal ended.")
class DealOutcome(Enum):
    WON = "WON"
    LOST = "LOST"


@strawberry.input(description="Close an approved deal as won or lost.")
class CloseDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    outcome: DealOutcome = strawberry.field(description="Won or lost.")


@strawberry.type
class DealMutations:
    @strawberry.mutation(description="Register a deal (partners; status PENDING).")
    async def register_deal(
        self,
        info: strawberry.Info[Context, None],
        input: RegisterDealInput,  # noqa: A002
    ) -> DealPayload:
        def registration() -> deal_rules.Registration:
            return deal_rules.Registration(
                customer_name=input.customer_name,
                customer_domain=input.customer_domain,
                products=input.products,
                amount=input.amount,
                currency=input.currency,
                expected_close_date=input.expected_close_date,
                region=input.region.value,
                stage=input.stage.value,
                owner_id=database_id(input.owner_id, "PartnerUser", "ownerId"),
                partner_id=database_id(input.partner_id, "Partner", "partnerId"),
            )

        return DealPayload.of(await deal_mutations.register(info.context, registration))

    @strawberry.mutation(description="Change an open registration (its owner or partner admin).")
    async def update_deal(
        self,
        info: strawberry.Info[Context, None],
        input: UpdateDealInput,  # noqa: A002
    ) -> DealPayload:
        changes = {
            "customer_name": input.customer_name,
            "amount": input.amount,
            "stage": None if input.stage is None else input.stage.value,
            "expected_close_date": input.expected_close_date,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        context = info.context

        async def change(conn: asyncpg.Connection, deal: Row) -> Row:
            return await deal_rules.update(conn, deal, context.principal, given)

        return DealPayload.of(
            await deal_mutations.on_deal(context, "updateDeal", "update", input.id, change)
        )

    @strawberry.mutation(description="Approve a registration (channel managers).")
    async def approve_deal(
        self,
        info: strawberry.Info[Context, None],
        input: ApproveDealInput,  # noqa: A002
    ) -> DealPayload:
        context = info.context
        days = input.protection_days or context.settings.deal_protection_days

        async def change(conn: asyncpg.Connection, deal: Row) -> Row:
            return await deal_rules.approve(conn, deal, days, context.principal.subject)

        return DealPayload.of(
            await deal_mutations.on_deal(context, "approveDeal", "approve", input.id, change)
        )

    @strawberry.mutation(description="Reject a registration with a reason (channel managers).")
    async def reject_deal(
        self,
        info: strawberry.Info[Context, None],
        input: RejectDealInput,  # noqa: A002
    ) -> DealPayload:
        context = info.context

        async def change(conn: asyncpg.Connection, deal: Row) -> Row:
            return await deal_rules.reject(conn, deal, input.reason, context.principal.subject)

        return DealPayload.of(
            await deal_mutations.on_deal(context, "rejectDeal", "reject", input.id, change)
        )

    @strawberry.mutation(description="Ask the vendor for a longer protection period.")
    async def request_deal_extension(
        self,
        info: strawberry.Info[Context, None],
        input: RequestDealExtensionInput,  # noqa: A002
    ) -> DealPayload:
        context = info.context

        async def change(conn: asyncpg.Connection, deal: Row) -> Row:
            return await deal_rules.request_extension(
                conn, deal, context.principal, input.days, input.reason
            )

        return DealPayload.of(
            await deal_mutations.on_deal(
                context, "requestDealExtension", "request_extension", input.id, change
            )
        )

    @strawberry.mutation(description="Close an approved deal as won or lost.")
    async def close_deal(
        self,
        info: strawberry.Info[Context, None],
        input: CloseDealInput,  # noqa: A002
    ) -> DealPayload:
        context = info.context
        won = input.outcome == DealOutcome.WON

        async def change(conn: asyncpg.Connection, deal: Row) -> Row:
            return await deal_rules.close(conn, deal, context.principal, won)

        return DealPayload.of(
            await deal_mutations.on_deal(context, "closeDeal", "close", input.id, change)
        )
