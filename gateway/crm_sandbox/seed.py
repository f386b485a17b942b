"""Seed the sandbox with the CRM records of the gateway's demo data (`generate_dataset(plan)`):
the same ids, names, websites, amounts and stages, so a mirror of the sandbox matches the seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import asyncpg

from gateway.crm_sandbox.objects import (
    DEAL_REGISTRATION_RECORD_TYPE_ID,
    LOST_STAGE,
    OBJECTS,
    WON_STAGE,
)
from gateway.crm_sandbox.values import to_milliseconds
from gateway.seed import SeedPlan, generate_dataset
from gateway.seed.identifiers import CrmIds, email_local_part
from gateway.seed.rows import Dataset, Deal, Lead, Partner
from gateway.seed.vocabulary import FIRST_NAMES, LAST_NAMES

# How the gateway's rows become records:
# - a partner is a partner Account (`crm_account_id`; IsPartner);
# - a registration (a deal with `crm_lead_id`) is a Lead with LeadSource "Partner", the
#   deal-registration record type and `Gateway_Registration_Id__c` = str(deal.id); an approved
#   one (`crm_opportunity_id`) also is an Opportunity on a customer Account (one per domain);
# - a synced lead (`crm_lead_id`) is a Lead;
# - Website = "https://www." + domain; stages and statuses become the picklist values below.
STAGE_NAMES: dict[str, str] = {
    "PROSPECTING": "Prospecting",
    "QUALIFICATION": "Qualification",
    "PROPOSAL": "Proposal/Price Quote",
    "NEGOTIATION": "Negotiation/Review",
    "CLOSED_WON": WON_STAGE,
    "CLOSED_LOST": LOST_STAGE,
}
REGISTRATION_STATUSES: dict[str, str] = {
    "PENDING": "Open - Not Contacted",
    "REJECTED": "Closed - Not Converted",
}  # every other deal status was approved once: "Closed - Converted"
LEAD_STATUSES: dict[str, str] = {
    "NEW": "Open - Not Contacted",
    "ASSIGNED": "Open - Not Contacted",
    "ACCEPTED": "Working - Contacted",
    "REJECTED": "Open - Not Contacted",
    "RECALLED": "Open - Not Contacted",
    "CONVERTED": "Closed - Converted",
}
LEAD_SOURCES: dict[str, str] = {
    "WEB": "Web",
    "EVENT": "Trade Show",
    "WEBINAR": "Webinar",
    "REFERRAL": "Employee Referral",
    "CAMPAIGN": "Campaign",
    # Not "Partner": that value marks deal registrations.
    "PARTNER": "Partner Referral",
}
REGISTRATION_SOURCE = "Partner"
CUSTOMER_INDUSTRIES = ("Technology", "Finance", "Healthcare", "Manufacturing", "Retail", "Media")


def website(domain: str) -> str:
    return f"https://www.{domain}"


Record = tuple[Any, ...]


def _record(object_name: str, **values: Any) -> Record:
    """A row in the table's column order, with the soft-delete columns last."""
    modstamp = to_milliseconds(values.pop("modstamp"))
    values["CreatedDate"] = to_milliseconds(values.get("CreatedDate") or modstamp)
    values["LastModifiedDate"] = values["SystemModstamp"] = modstamp
    fields = OBJECTS[object_name].fields
    unknown = set(values) - {f.name for f in fields}
    assert not unknown, unknown
    return (*(values.get(f.name) for f in fields), False, None)


def crm_records(dataset: Dataset, seed: int) -> dict[str, list[Record]]:
    """Account, Lead and Opportunity rows for the dataset, deterministic for a seed."""
    partner_accounts = {p.id: p.crm_account_id for p in dataset.partners}
    approved = [d for d in dataset.deals if d.crm_opportunity_id is not None]
    customers = _customer_accounts(approved, seed)
    contacts = random.Random(f"crm-sandbox:{seed}:contacts")
    deals_by_id = {deal.id: deal for deal in dataset.deals}
    return {
        "Account": [_partner_account(p) for p in dataset.partners if p.crm_account_id]
        + [_customer_account(domain, *customer) for domain, customer in customers.items()],
        "Lead": [
            _registration(deal, partner_accounts, contacts)
            for deal in dataset.deals
            if deal.crm_lead_id is not None
        ]
        + [
            _lead(lead, partner_accounts, deals_by_id)
            for lead in dataset.leads
            if lead.crm_lead_id is not None
        ],
        "Opportunity": [_opportunity(deal, partner_accounts, customers) for deal in approved],
    }


def _partner_account(partner: Partner) -> Record:
    return _record(
        "Account", Id=partner.crm_account_id, Name=partner.name, Website=partner.website,
        Industry="Technology", BillingCountry=partner.country, IsPartner=True,
        CreatedDate=partner.created_at, modstamp=partner.updated_at,
    )  # fmt: skip


def _customer_account(domain: str, account_id: str, name: str, created: datetime) -> Record:
    return _record(
        "Account", Id=account_id, Name=name, Website=website(domain),
        Industry=CUSTOMER_INDUSTRIES[_stable_index(domain, len(CUSTOMER_INDUSTRIES))],
        IsPartner=False, CreatedDate=created, modstamp=created,
    )  # fmt: skip


def _registration(
    deal: Deal, partner_accounts: dict[int, str | None], contacts: random.Random
) -> Record:
    # Registrations name no contact person; the Lead needs one, drawn reproducibly.
    first, last = contacts.choice(FIRST_NAMES), contacts.choice(LAST_NAMES)
    return _record(
        "Lead", Id=deal.crm_lead_id, FirstName=first, LastName=last,
        Email=f"{email_local_part(first, last)}@{deal.customer_domain}",
        Company=deal.customer_name, Website=website(deal.customer_domain),
        Status=REGISTRATION_STATUSES.get(deal.status, "Closed - Converted"),
        LeadSource=REGISTRATION_SOURCE, PartnerAccountId=partner_accounts[deal.partner_id],
        RecordTypeId=DEAL_REGISTRATION_RECORD_TYPE_ID,
        IsConverted=deal.crm_opportunity_id is not None,
        ConvertedOpportunityId=deal.crm_opportunity_id, Gateway_Registration_Id__c=str(deal.id),
        CreatedDate=deal.registered_at, modstamp=deal.updated_at,
    )  # fmt: skip


def _opportunity(
    deal: Deal,
    partner_accounts: dict[int, str | None],
    customers: dict[str, tuple[str, str, datetime]],
) -> Record:
    stage = STAGE_NAMES[deal.stage]
    return _record(
        "Opportunity", Id=deal.crm_opportunity_id, Name=deal.customer_name,
        AccountId=customers[deal.customer_domain][0],
        PartnerAccountId=partner_accounts[deal.partner_id], Amount=deal.amount,
        CurrencyIsoCode=deal.currency, StageName=stage, CloseDate=deal.expected_close_date,
        IsClosed=stage in (WON_STAGE, LOST_STAGE), IsWon=stage == WON_STAGE,
        CreatedDate=deal.decided_at or deal.registered_at, modstamp=deal.updated_at,
    )  # fmt: skip


def _lead(lead: Lead, partner_accounts: dict[int, str | None], deals: dict[int, Deal]) -> Record:
    converted = deals.get(lead.converted_deal_id) if lead.converted_deal_id else None
    return _record(
        "Lead", Id=lead.crm_lead_id, FirstName=lead.first_name, LastName=lead.last_name,
        Email=lead.email, Phone=lead.phone, Company=lead.company, Website=website(lead.domain),
        Status=LEAD_STATUSES[lead.status],
        LeadSource=LEAD_SOURCES.get(lead.source, lead.source.title()),
        PartnerAccountId=partner_accounts[lead.assigned_partner_id]
        if lead.assigned_partner_id else None,
        IsConverted=lead.status == "CONVERTED",
        ConvertedOpportunityId=converted.crm_opportunity_id if converted else None,
        CreatedDate=lead.created_at, modstamp=lead.updated_at,
    )  # fmt: skip


def _stable_index(text: str, size: int) -> int:
    """A stable index for `text` (str hashes change per process; this does not)."""
    return sum(text.encode()) % size


def _customer_accounts(approved: list[Deal], seed: int) -> dict[str, tuple[str, str, datetime]]:
    """One customer Account per customer domain among approved deals: id, name, created."""
    ids = CrmIds(random.Random(f"crm-sandbox:{seed}:customer-accounts"))
    customers: dict[str, tuple[str, str, datetime]] = {}
    for deal in sorted(approved, key=lambda d: (d.customer_domain, d.id)):
        if deal.customer_domain not in customers:
            created = deal.decided_at or deal.registered_at
            customers[deal.customer_domain] = (ids.new(CrmIds.ACCOUNT), deal.customer_name, created)
    return customers


async def seed_sandbox(
    conn: asyncpg.Connection, plan: SeedPlan, now: datetime | None = None
) -> dict[str, int]:
    """COPY the plan's records into empty tables in one transaction; rows per object."""
    records = crm_records(generate_dataset(plan, now or datetime.now(UTC)), plan.seed)
    async with conn.transaction():
        for name, rows in records.items():
            columns = [f.name for f in OBJECTS[name].fields] + ["is_deleted", "deleted_at"]
            await conn.copy_records_to_table(OBJECTS[name].table, records=rows, columns=columns)
    return {name: len(rows) for name, rows in records.items()}
