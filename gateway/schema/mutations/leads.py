"""Lead distribution mutations: create, assign by hand or by rule, accept, reject, convert."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg
import strawberry

from gateway.context import Context
from gateway.resolvers import lead_mutations
from gateway.resolvers.deal_mutations import database_id
from gateway.schema.enums import DealStage, LeadSource, Region
from gateway.schema.lead import Lead
from gateway.schema.mutations.user_error import UserError
from gateway.schema.partner import Partner
from gateway.store.table import Row
from gateway.workflows import leads as lead_rules
from gateway.workflows.mutation import Outcome


@strawberry.type(description="The lead a mutation acted on, or why it did nothing.")
class LeadPayload:
    lead: Lead | None = strawberry.field(
        description="The lead after the change; null when it has left your sight (a lead you "
        "reject moves on to another partner or back to the vendor)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")

    @classmethod
    def of(cls, outcome: Outcome[Row]) -> LeadPayload:
        return cls(
            lead=None if outcome.value is None else Lead.from_row(outcome.value),
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.type(description="A lead the distribution rule offered to a partner.")
class LeadAssignment:
    lead: Lead = strawberry.field(description="The lead, now ASSIGNED.")
    partner_id: strawberry.Private[int]

    @strawberry.field(description="The partner the lead was offered to.")
    async def partner(self, info: strawberry.Info[Context, None]) -> Partner | None:
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else Partner.from_row(row)


@strawberry.type(description="The leads assigned by rule, or why none was.")
class AutoAssignLeadsPayload:
    assignments: list[LeadAssignment] = strawberry.field(
        description="Each lead assigned and the partner it went to, in lead order."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")

    @classmethod
    def of(cls, outcome: Outcome[list[Row]]) -> AutoAssignLeadsPayload:
        return cls(
            assignments=[
                LeadAssignment(lead=Lead.from_row(row), partner_id=row["assigned_partner_id"])
                for row in outcome.value or []
            ],
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.input(description="A new lead, waiting in the vendor's pool (status NEW).")
class CreateLeadInput:
    first_name: str = strawberry.field(description="Contact's first name.")
    last_name: str = strawberry.field(description="Contact's last name.")
    email: str = strawberry.field(description="Contact's e-mail address.")
    company: str = strawberry.field(description="The prospect's company.")
    domain: str = strawberry.field(
        description="The company's web domain (a URL is fine; it is normalised)."
    )
    region: Region = strawberry.field(description="The prospect's region; decides who may get it.")
    source: LeadSource = strawberry.field(description="How the lead reached the vendor.")
    score: int = strawberry.field(description="Vendor-internal lead score, 0 to 100.")
    phone: str | None = strawberry.field(default=None, description="Contact's phone number.")


@strawberry.input(description="Offer a NEW or RECALLED lead to a partner of your choice.")
class AssignLeadInput:
    id: strawberry.ID = strawberry.field(description="The lead.")
    partner_id: strawberry.ID = strawberry.field(description="An ACTIVE partner you manage.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A user of that partner to work it; omitted, the partner's admins triage it.",
    )


@strawberry.input(
    description="Assign by rule: ACTIVE partners in the lead's region that have not declined "
    "it, the fewest leads in 30 days per tier weight (REGISTERED 1 … PLATINUM 4) first. "
    "Give exactly one of `ids` and `limit`."
)
class AutoAssignLeadsInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="These NEW or RECALLED leads (1 to 100); all are assigned or none is.",
    )
    limit: int | None = strawberry.field(
        default=None,
        description="Up to this many (1 to 100) waiting leads, oldest first; leads no partner "
        "may take keep waiting.",
    )


@strawberry.input(description="Accept an assigned lead before its SLA deadline.")
class AcceptLeadInput:
    id: strawberry.ID = strawberry.field(description="The lead.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Partner admins: who works it (defaults to its assignee, else you). "
        "Reps accept for themselves.",
    )


@strawberry.input(description="Decline an assigned lead; it is offered to the next partner.")
class RejectLeadInput:
    id: strawberry.ID = strawberry.field(description="The lead.")
    reason: str = strawberry.field(description="Why, for the vendor (1 to 2000 characters).")


@strawberry.input(
    description="Turn an accepted lead into a deal registration that is approved at once."
)
class ConvertLeadInput:
    id: strawberry.ID = strawberry.field(description="The ACCEPTED lead.")
    products: list[str] = strawberry.field(description="Product codes, e.g. NET-FW.")
    amount: Decimal = strawberry.field(description="Expected deal value.")
    expected_close_date: date = strawberry.field(description="Today or later.")
    currency: str = strawberry.field(default="USD", description="ISO 4217 code.")
    stage: DealStage = strawberry.field(
        default=DealStage.PROSPECTING, description="An open sales stage."
    )
    customer_name: str | None = strawberry.field(
        default=None, description="The customer's name; the lead's company when omitted."
    )
    customer_domain: str | None = strawberry.field(
        default=None, description="The customer's domain; the lead's domain when omitted."
    )
    region: Region | None = strawberry.field(
        default=None, description="The customer's region; the lead's region when omitted."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The deal's owner; the lead's assignee (else you) when omitted."
    )


@strawberry.type
class LeadMutations:
    @strawberry.mutation(description="Create a lead in the vendor's pool (channel managers).")
    async def create_lead(
        self,
        info: strawberry.Info[Context, None],
        input: CreateLeadInput,  # noqa: A002
    ) -> LeadPayload:
        def new_lead() -> lead_rules.NewLead:
            return lead_rules.NewLead(
                first_name=input.first_name,
                last_name=input.last_name,
                email=input.email,
                phone=input.phone,
                company=input.company,
                domain=input.domain,
                region=input.region.value,
                source=input.source.value,
                score=input.score,
            )

        return LeadPayload.of(await lead_mutations.create(info.context, new_lead))

    @strawberry.mutation(description="Offer a lead to a partner by hand (channel managers).")
    async def assign_lead(
        self,
        info: strawberry.Info[Context, None],
        input: AssignLeadInput,  # noqa: A002
    ) -> LeadPayload:
        context = info.context
        partners = context.grant.row_scope("Partner")

        async def change(conn: asyncpg.Connection, lead: Row) -> Row:
            partner_id = database_id(input.partner_id, "Partner", "partnerId")
            assignee_id = database_id(input.assignee_id, "PartnerUser", "assigneeId")
            assert partner_id is not None
            return await lead_rules.assign(
                conn, lead, partner_id, assignee_id, partners, context.settings.lead_sla_hours
            )

        def detail(lead: Row) -> dict[str, int]:
            return {"partnerId": lead["assigned_partner_id"]}

        return LeadPayload.of(
            await lead_mutations.on_lead(context, "assignLead", "assign", input.id, change, detail)
        )

    @strawberry.mutation(description="Offer leads to partners by rule (channel managers).")
    async def auto_assign_leads(
        self,
        info: strawberry.Info[Context, None],
        input: AutoAssignLeadsInput,  # noqa: A002
    ) -> AutoAssignLeadsPayload:
        ids = None if input.ids is None else [str(i) for i in input.ids]
        return AutoAssignLeadsPayload.of(
            await lead_mutations.auto_assign(info.context, ids, input.limit)
        )

    @strawberry.mutation(description="Accept a lead offered to your organisation.")
    async def accept_lead(
        self,
        info: strawberry.Info[Context, None],
        input: AcceptLeadInput,  # noqa: A002
    ) -> LeadPayload:
        context = info.context

        async def change(conn: asyncpg.Connection, lead: Row) -> Row:
            assignee_id = database_id(input.assignee_id, "PartnerUser", "assigneeId")
            return await lead_rules.accept(conn, lead, context.principal, assignee_id)

        return LeadPayload.of(
            await lead_mutations.on_lead(context, "acceptLead", "accept", input.id, change)
        )

    @strawberry.mutation(description="Decline a lead offered to your organisation.")
    async def reject_lead(
        self,
        info: strawberry.Info[Context, None],
        input: RejectLeadInput,  # noqa: A002
    ) -> LeadPayload:
        context = info.context

        async def change(conn: asyncpg.Connection, lead: Row) -> Row:
            return await lead_rules.reject(
                conn, lead, input.reason, context.settings.lead_sla_hours
            )

        return LeadPayload.of(
            await lead_mutations.on_lead(context, "rejectLead", "reject", input.id, change)
        )

    @strawberry.mutation(description="Convert an accepted lead into a pre-approved deal.")
    async def convert_lead(
        self,
        info: strawberry.Info[Context, None],
        input: ConvertLeadInput,  # noqa: A002
    ) -> LeadPayload:
        context = info.context

        async def change(conn: asyncpg.Connection, lead: Row) -> Row:
            conversion = lead_rules.Conversion(
                products=input.products,
                amount=input.amount,
                expected_close_date=input.expected_close_date,
                currency=input.currency,
                stage=input.stage.value,
                customer_name=input.customer_name,
                customer_domain=input.customer_domain,
                region=None if input.region is None else input.region.value,
                owner_id=database_id(input.owner_id, "PartnerUser", "ownerId"),
            )
            return await lead_rules.convert(
                conn, lead, context.principal, conversion, context.settings.deal_protection_days
            )

        def detail(lead: Row) -> dict[str, int]:
            return {"dealId": lead["converted_deal_id"]}

        return LeadPayload.of(
            await lead_mutations.on_lead(
                context, "convertLead", "convert", input.id, change, detail
            )
        )
