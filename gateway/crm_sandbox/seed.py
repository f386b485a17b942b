"""Seed the sandbox from the gateway's demo data (`generate_dataset(plan)`), so both sides agree:
partners are partner Accounts (`crm_account_id`), registrations (deals with `crm_lead_id`) are
Leads with LeadSource "Partner" and the deal-registration record type, approved ones also have an
Opportunity (`crm_opportunity_id`) on a customer Account; synced leads (`crm_lead_id`) are Leads.

Mapping rules: Website = "https://www." + domain; Gateway_Registration_Id__c = str(deal.id);
stages and statuses become the standard Salesforce picklist values below."""

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
from gateway.seed import SeedPlan, generate_dataset
from gateway.seed.identifiers import CrmIds, email_local_part
from gateway.seed.rows import Dataset, Deal
from gateway.seed.vocabulary import FIRST_NAMES, LAST_NAMES

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


def _ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _record(object_name: str, **values: Any) -> tuple[Any, ...]:
    """A row in the table's column order, with the soft-delete columns last."""
    modstamp = _ms(values.pop("modstamp"))
    values.setdefault("CreatedDate", modstamp)
    values["CreatedDate"] = _ms(values["CreatedDate"])
    values["LastModifiedDate"] = values["SystemModstamp"] = modstamp
    fields = OBJECTS[object_name].fields
    unknown = set(values) - {f.name for f in fields}
    assert not unknown, unknown
    return (*(values.get(f.name) for f in fields), False, None)


def crm_records(dataset: Dataset, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    """Account, Lead and Opportunity rows for the dataset, deterministic for a seed."""
    accounts: list[tuple[Any, ...]] = []
    partner_accounts: dict[int, str | None] = {}
    for partner in dataset.partners:
        partner_accounts[partner.id] = partner.crm_account_id
        if partner.crm_account_id is None:
            continue
        accounts.append(_record(
            "Account", Id=partner.crm_account_id, Name=partner.name,
            Website=partner.website, Industry="Technology", BillingCountry=partner.country,
            IsPartner=True, CreatedDate=partner.created_at, modstamp=partner.updated_at,
        ))  # fmt: skip

    approved = [d for d in dataset.deals if d.crm_opportunity_id is not None]
    customers = _customer_accounts(approved, seed)
    for domain, (account_id, name, created) in customers.items():
        accounts.append(_record(
            "Account", Id=account_id, Name=name, Website=website(domain),
            Industry=CUSTOMER_INDUSTRIES[hash_index(domain, len(CUSTOMER_INDUSTRIES))],
            IsPartner=False, CreatedDate=created, modstamp=created,
        ))  # fmt: skip

    contacts = random.Random(f"crm-sandbox:{seed}:contacts")
    leads: list[tuple[Any, ...]] = []
    opportunities: list[tuple[Any, ...]] = []
    deals_by_id = {deal.id: deal for deal in dataset.deals}
    for deal in dataset.deals:
        if deal.crm_lead_id is not None:
            first, last = contacts.choice(FIRST_NAMES), contacts.choice(LAST_NAMES)
            leads.append(_record(
                "Lead", Id=deal.crm_lead_id, FirstName=first, LastName=last,
                Email=f"{email_local_part(first, last)}@{deal.customer_domain}",
                Company=deal.customer_name, Website=website(deal.customer_domain),
                Status=REGISTRATION_STATUSES.get(deal.status, "Closed - Converted"),
                LeadSource=REGISTRATION_SOURCE, PartnerAccountId=partner_accounts[deal.partner_id],
                RecordTypeId=DEAL_REGISTRATION_RECORD_TYPE_ID,
                IsConverted=deal.crm_opportunity_id is not None,
                ConvertedOpportunityId=deal.crm_opportunity_id,
                Gateway_Registration_Id__c=str(deal.id),
                CreatedDate=deal.registered_at, modstamp=deal.updated_at,
            ))  # fmt: skip
        if deal.crm_opportunity_id is not None:
            stage = STAGE_NAMES[deal.stage]
            opportunities.append(_record(
                "Opportunity", Id=deal.crm_opportunity_id, Name=deal.customer_name,
                AccountId=customers[deal.customer_domain][0],
                PartnerAccountId=partner_accounts[deal.partner_id], Amount=deal.amount,
                CurrencyIsoCode=deal.currency, StageName=stage,
                CloseDate=deal.expected_close_date, IsClosed=stage in (WON_STAGE, LOST_STAGE),
                IsWon=stage == WON_STAGE, CreatedDate=deal.decided_at or deal.registered_at,
                modstamp=deal.updated_at,
            ))  # fmt: skip

    for lead in dataset.leads:
        if lead.crm_lead_id is None:
            continue
        converted = deals_by_id.get(lead.converted_deal_id) if lead.converted_deal_id else None
        partner_account = (
            partner_accounts[lead.assigned_partner_id] if lead.assigned_partner_id else None
        )
        leads.append(_record(
            "Lead", Id=lead.crm_lead_id, FirstName=lead.first_name, LastName=lead.last_name,
            Email=lead.email, Phone=lead.phone, Company=lead.company,
            Website=website(lead.domain), Status=LEAD_STATUSES[lead.status],
            LeadSource=LEAD_SOURCES.get(lead.source, lead.source.title()),
            PartnerAccountId=partner_account, IsConverted=lead.status == "CONVERTED",
            ConvertedOpportunityId=converted.crm_opportunity_id if converted else None,
            CreatedDate=lead.created_at, modstamp=lead.updated_at,
        ))  # fmt: skip
    return {"Account": accounts, "Lead": leads, "Opportunity": opportunities}


def hash_index(text: str, size: int) -> int:
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
