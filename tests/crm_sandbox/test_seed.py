"""The seeded records agree with the gateway's demo data for the same plan: the same ids, names,
websites, amounts and stages, partner accounts on every registration and opportunity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gateway.crm_sandbox.objects import DEAL_REGISTRATION_RECORD_TYPE_ID
from gateway.crm_sandbox.seed import STAGE_NAMES
from gateway.seed import Dataset, generate_dataset
from tests.crm_sandbox.conftest import READ_PLAN, READ_SEED_NOW, CrmClient


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(READ_PLAN, READ_SEED_NOW)


async def _all(crm: CrmClient, name: str, fields: str, where: str = "{}") -> list[dict[str, Any]]:
    data = await crm.data(
        f"{{ uiapi {{ query {{ {name}(first: 2000, where: {where}) {{"
        f" edges {{ node {{ Id {fields} }} }} }} }} }} }}"
    )
    return [
        {
            key: value["value"] if isinstance(value, dict) else value
            for key, value in e["node"].items()
        }
        for e in data["uiapi"]["query"][name]["edges"]
    ]


async def test_partners_are_partner_accounts(crm: CrmClient, dataset: Dataset) -> None:
    accounts = await _all(crm, "Account", "Name { value } Website { value }",
                          "{ IsPartner: { eq: true } }")  # fmt: skip
    assert {(a["Id"], a["Name"], a["Website"]) for a in accounts} == {
        (p.crm_account_id, p.name, p.website) for p in dataset.partners
    }


async def test_registrations_are_partner_leads(crm: CrmClient, dataset: Dataset) -> None:
    leads = await _all(
        crm, "Lead",
        "Gateway_Registration_Id__c { value } PartnerAccountId { value } Company { value }"
        " RecordTypeId { value } ConvertedOpportunityId { value } IsConverted { value }",
        '{ LeadSource: { eq: "Partner" } }',
    )  # fmt: skip
    accounts = {p.id: p.crm_account_id for p in dataset.partners}
    synced = [d for d in dataset.deals if d.crm_lead_id is not None]
    assert 0 < len(synced) < len(dataset.deals)
    assert {
        (lead["Id"], lead["Gateway_Registration_Id__c"], lead["PartnerAccountId"], lead["Company"],
         lead["ConvertedOpportunityId"], lead["IsConverted"])
        for lead in leads
    } == {
        (d.crm_lead_id, str(d.id), accounts[d.partner_id], d.customer_name, d.crm_opportunity_id,
         d.crm_opportunity_id is not None)
        for d in synced
    }  # fmt: skip
    assert {lead["RecordTypeId"] for lead in leads} == {DEAL_REGISTRATION_RECORD_TYPE_ID}


async def test_approved_registrations_are_opportunities(crm: CrmClient, dataset: Dataset) -> None:
    opportunities = await _all(
        crm, "Opportunity",
        "Name { value } Amount { value } StageName { value } PartnerAccountId { value }"
        " CurrencyIsoCode { value } CloseDate { value } AccountId { value }",
    )  # fmt: skip
    accounts = {p.id: p.crm_account_id for p in dataset.partners}
    assert {
        (o["Id"], o["Name"], Decimal(str(o["Amount"])), o["StageName"], o["PartnerAccountId"],
         o["CurrencyIsoCode"], o["CloseDate"])
        for o in opportunities
    } == {
        (d.crm_opportunity_id, d.customer_name, d.amount, STAGE_NAMES[d.stage],
         accounts[d.partner_id], d.currency, d.expected_close_date.isoformat())
        for d in dataset.deals if d.crm_opportunity_id is not None
    }  # fmt: skip
    customers = await _all(crm, "Account", "Website { value }", "{ IsPartner: { eq: false } }")
    assert {o["AccountId"] for o in opportunities} == {c["Id"] for c in customers}


async def test_synced_leads_are_leads(crm: CrmClient, dataset: Dataset) -> None:
    leads = await _all(crm, "Lead", "Email { value } LastName { value }",
                       '{ LeadSource: { ne: "Partner" } }')  # fmt: skip
    assert {(lead["Id"], lead["Email"], lead["LastName"]) for lead in leads} == {
        (lead.crm_lead_id, lead.email, lead.last_name)
        for lead in dataset.leads
        if lead.crm_lead_id is not None
    }
