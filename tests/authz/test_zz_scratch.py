import base64, json
from tests.authz.test_leak_properties import *  # noqa

def test_scratch(gateway_url, tokens, leak_setup):
    with httpx.Client(base_url=gateway_url) as http:
        for who in ("rep@globex.example", "admin@globex.example", "admin@vendor.example"):
            r = http.post("/graphql", json={"query": "{ leads(first: 3, orderBy: {field: SCORE, direction: DESC}) { edges { cursor node { id company score } } } }"}, headers={"authorization": f"Bearer {tokens(who)}"})
            body = r.json()
            print(who, json.dumps(body)[:600])
            for e in body["data"]["leads"]["edges"]:
                c = e["cursor"]; print("  cursor", c, base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)))
