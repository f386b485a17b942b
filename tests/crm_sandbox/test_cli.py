"""`python -m gateway crm-sandbox` as a process: flags set faults, the database outlives a kill,
sessions do not."""

from __future__ import annotations

import httpx

from gateway.seed import SeedPlan
from tests.support.crm_sandbox import sandbox_process

COUNT = "{ uiapi { query { Lead { totalCount } Account { totalCount } } } }"
CREATE = (
    'mutation { uiapi { LeadCreate(input: { Lead: { LastName: "Kill", Company: "Restart",'
    ' Gateway_Registration_Id__c: "survivor" } }) { Record { Id } } } }'
)


async def test_a_killed_sandbox_restarts_on_its_data(server_dsn: str) -> None:
    plan = SeedPlan(partners=2, deals_per_partner=2, leads_per_partner=1, seed=5)
    async with sandbox_process(server_dsn, seed_plan=plan, extra_args=("--fail-next", "1")) as crm:
        async with httpx.AsyncClient() as http:
            failed = await http.post(
                f"{crm.url}/services/oauth2/token",
                data={"grant_type": "client_credentials", "client_id": "sandbox",
                      "client_secret": "sandbox-secret"},
            )  # fmt: skip
        assert failed.status_code == 503  # --fail-next 1
        token = await crm.token()
        before = (await crm.graphql(COUNT, token)).json()["data"]["uiapi"]["query"]
        assert before["Account"]["totalCount"] >= 2
        created = (await crm.graphql(CREATE, token)).json()["data"]["uiapi"]["LeadCreate"]

        await crm.kill()
        await crm.start()

        assert (await crm.graphql(COUNT, token)).status_code == 503  # the flag, once more
        assert (await crm.graphql(COUNT, token)).status_code == 401  # sessions live in memory
        token = await crm.token()
        after = (await crm.graphql(COUNT, token)).json()["data"]["uiapi"]["query"]
        assert after["Lead"]["totalCount"] == before["Lead"]["totalCount"] + 1
        assert after["Account"]["totalCount"] == before["Account"]["totalCount"]  # not reseeded
        survivor = await crm.graphql(
            '{ uiapi { query { Lead(where: { Gateway_Registration_Id__c: { eq: "survivor" } })'
            " { edges { node { Id } } } } } }",
            token,
        )
        edges = survivor.json()["data"]["uiapi"]["query"]["Lead"]["edges"]
        assert [e["node"]["Id"] for e in edges] == [created["Record"]["Id"]]
