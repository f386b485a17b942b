"""A partner's people and API keys, managed by its admins: invite, deactivate, keys, listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from gateway.auth.jwt_tokens import mint_token
from gateway.schema.node import from_global_id, to_global_id
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient
from tests.workflows.test_training import audit_rows

ActAs = Callable[[str], GraphQLClient]

ERRORS = "userErrors { field code message }"
INVITE = f"""
mutation($input: InvitePartnerUserInput!) {{
  invitePartnerUser(input: $input) {{
    partnerUser {{ id email firstName role active partner {{ slug }} }} {ERRORS}
  }}
}}"""
DEACTIVATE = f"""
mutation($id: ID!) {{
  deactivatePartnerUser(input: {{id: $id}}) {{ partnerUser {{ id active }} {ERRORS} }}
}}"""
KEY = "apiKey { keyId name scopes createdAt expiresAt revokedAt lastUsedAt }"
CREATE_KEY = f"""
mutation($input: CreateApiKeyInput!) {{
  createApiKey(input: $input) {{ {KEY} secret {ERRORS} }}
}}"""
REVOKE_KEY = f"""
mutation($keyId: String!) {{
  revokeApiKey(input: {{keyId: $keyId}}) {{ {KEY} secret {ERRORS} }}
}}"""
LIST_KEYS = "query($slug: String!) { partner(slug: $slug) { apiKeys { keyId name revokedAt } } }"


def person(email: str, **extra: Any) -> dict[str, Any]:
    return {
        "email": email,
        "firstName": "Nora",
        "lastName": "Newcomer",
        "title": "Solutions Engineer",
        "role": "PARTNER_REP",
        **extra,
    }


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


def signed_in(act_as: ActAs, email: str, slug: str, role: str = "partner_rep") -> GraphQLClient:
    """A client for someone created during the test (the shared token fixture predates them)."""
    token = mint_token(TEST_AUTH, email, [role], slug, timedelta(hours=1))
    return act_as("admin@vendor.example").as_({"authorization": f"Bearer {token}"})


def with_key(act_as: ActAs, key: str) -> GraphQLClient:
    return act_as("admin@vendor.example").as_({"x-api-key": key})


async def test_a_partner_admin_invites_and_the_person_signs_in(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    invited = await act_as("admin@acme.example").data(
        INVITE, {"input": person(" Nora.Newcomer@ACME.example ")}
    )
    payload = invited["invitePartnerUser"]
    assert payload["userErrors"] == []
    user = payload["partnerUser"]
    assert user["email"] == "nora.newcomer@acme.example"
    assert user["role"] == "PARTNER_REP" and user["active"] is True
    assert user["partner"] == {"slug": "acme"}

    newcomer = signed_in(act_as, "nora.newcomer@acme.example", "acme")
    me = await newcomer.data('{ partner(slug: "acme") { slug } deals(first: 1) { totalCount } }')
    assert me == {"partner": {"slug": "acme"}, "deals": {"totalCount": 0}}
    rows = await audit_rows(db, "invitePartnerUser", 1)
    assert [(r["outcome"], r["subject"]) for r in rows] == [("ALLOWED", "admin@acme.example")]
    assert rows[0]["object_id"] == from_global_id(user["id"])[1]


async def test_bad_invitations_are_user_errors_and_write_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    globex = to_global_id(
        "Partner", await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    )
    before = await db.fetchval("SELECT count(*) FROM partner_users")
    cases: list[tuple[str, dict[str, Any], tuple[str, str]]] = [
        ("admin@acme.example", person("rep@acme.example"), ("ALREADY_EXISTS", "email")),
        ("admin@acme.example", person("analyst@vendor.example"), ("ALREADY_EXISTS", "email")),
        ("admin@acme.example", person("not an address"), ("INVALID_INPUT", "email")),
        (
            "admin@acme.example",
            person("x@acme.example", firstName=" "),
            ("INVALID_INPUT", "firstName"),
        ),
        (
            "admin@acme.example",
            person("y@acme.example", partnerId=globex),
            ("NOT_FOUND", "partnerId"),
        ),
        (
            "admin@acme.example",
            person("z@acme.example", partnerId="nope"),
            ("NOT_FOUND", "partnerId"),
        ),
        ("admin@vendor.example", person("w@acme.example"), ("PARTNER_REQUIRED", "partnerId")),
    ]
    for email, given, expected in cases:
        payload = (await act_as(email).data(INVITE, {"input": given}))["invitePartnerUser"]
        assert payload["partnerUser"] is None
        assert codes(payload) == [expected], given
    assert await db.fetchval("SELECT count(*) FROM partner_users") == before


async def test_vendor_admins_invite_for_any_partner(act_as: ActAs, db: asyncpg.Pool) -> None:
    globex = to_global_id(
        "Partner", await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    )
    invited = await act_as("admin@vendor.example").data(
        INVITE,
        {"input": person("gina.admin@globex.example", role="PARTNER_ADMIN", partnerId=globex)},
    )
    user = invited["invitePartnerUser"]["partnerUser"]
    assert user["partner"] == {"slug": "globex"} and user["role"] == "PARTNER_ADMIN"


async def test_roles_without_the_action_are_forbidden(act_as: ActAs, db: asyncpg.Pool) -> None:
    before = await db.fetchval("SELECT count(*) FROM partner_users")
    acme_rep = to_global_id(
        "PartnerUser",
        await db.fetchval("SELECT id FROM partner_users WHERE email = 'rep@acme.example'"),
    )
    for email in ("rep@acme.example", "cm@vendor.example", "analyst@vendor.example"):
        body = await act_as(email).execute(INVITE, {"input": person(f"q.{email}")})
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await act_as(email).execute(DEACTIVATE, {"id": acme_rep})
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM partner_users") == before
    assert await db.fetchval("SELECT active FROM partner_users WHERE email = 'rep@acme.example'")
    denied = await audit_rows(db, "deactivatePartnerUser", 3)
    assert {(r["outcome"], r["subject"]) for r in denied} >= {
        ("DENIED", "rep@acme.example"),
        ("DENIED", "cm@vendor.example"),
        ("DENIED", "analyst@vendor.example"),
    }


async def test_deactivation_stops_sign_in(act_as: ActAs, db: asyncpg.Pool) -> None:
    admin = act_as("admin@acme.example")
    invited = await admin.data(INVITE, {"input": person("leaver@acme.example")})
    leaver = invited["invitePartnerUser"]["partnerUser"]
    client = signed_in(act_as, "leaver@acme.example", "acme")
    assert (await client.post("{ tiers { level } }")).status_code == 200

    done = (await admin.data(DEACTIVATE, {"id": leaver["id"]}))["deactivatePartnerUser"]
    assert done == {"partnerUser": {"id": leaver["id"], "active": False}, "userErrors": []}
    refused = await client.post("{ tiers { level } }")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "ACCOUNT_INACTIVE"

    again = (await admin.data(DEACTIVATE, {"id": leaver["id"]}))["deactivatePartnerUser"]
    assert codes(again) == [("INVALID_TRANSITION", "id")]
    own_id = await db.fetchval("SELECT id FROM partner_users WHERE email = 'admin@acme.example'")
    itself = await admin.data(DEACTIVATE, {"id": to_global_id("PartnerUser", own_id)})
    assert codes(itself["deactivatePartnerUser"]) == [("CANNOT_DEACTIVATE_SELF", "id")]
    globex_rep = await db.fetchval(
        "SELECT id FROM partner_users WHERE email = 'rep@globex.example'"
    )
    other = await admin.data(DEACTIVATE, {"id": to_global_id("PartnerUser", globex_rep)})
    assert codes(other["deactivatePartnerUser"]) == [("NOT_FOUND", "id")]
    assert await db.fetchval("SELECT active FROM partner_users WHERE id = $1", globex_rep)
    assert await db.fetchval("SELECT active FROM partner_users WHERE id = $1", own_id)


async def test_api_key_lifecycle(act_as: ActAs, db: asyncpg.Pool) -> None:
    admin = act_as("admin@acme.example")
    created = await admin.data(
        CREATE_KEY,
        {"input": {"name": "Acme ERP", "scopes": ["WRITE", "READ"], "expiresInDays": 30}},
    )
    payload = created["createApiKey"]
    assert payload["userErrors"] == []
    key, secret = payload["apiKey"], payload["secret"]
    assert secret.startswith(f"pgw_{key['keyId']}_")
    assert key["name"] == "Acme ERP" and key["scopes"] == ["READ", "WRITE"]
    expires = datetime.fromisoformat(key["expiresAt"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)
    assert key["revokedAt"] is None

    # The key works, as acme's system, and (even with WRITE) cannot manage keys itself.
    system = with_key(act_as, secret)
    seen = await system.data('{ partner(slug: "acme") { slug } }')
    assert seen == {"partner": {"slug": "acme"}}
    minted = await system.execute(CREATE_KEY, {"input": {"name": "x", "scopes": ["READ"]}})
    assert minted["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # Only its hash is stored, and the audit trail names the key, never its secret.
    stored = await db.fetchval("SELECT secret_hash FROM api_keys WHERE key_id = $1", key["keyId"])
    assert secret.encode() not in bytes(stored)
    rows = await audit_rows(db, "createApiKey", 1)
    allowed = [r for r in rows if r["outcome"] == "ALLOWED"]
    assert key["keyId"] in allowed[-1]["detail"]
    assert secret.split("_", 2)[2] not in allowed[-1]["detail"]

    listed = (await admin.data(LIST_KEYS, {"slug": "acme"}))["partner"]["apiKeys"]
    assert {"keyId": key["keyId"], "name": "Acme ERP", "revokedAt": None} in listed

    # Another partner's admin: the key does not exist for them.
    hidden = await act_as("admin@globex.example").data(REVOKE_KEY, {"keyId": key["keyId"]})
    assert codes(hidden["revokeApiKey"]) == [("NOT_FOUND", "keyId")]
    assert (await system.post("{ tiers { level } }")).status_code == 200

    revoked = (await admin.data(REVOKE_KEY, {"keyId": key["keyId"]}))["revokeApiKey"]
    assert revoked["userErrors"] == [] and revoked["secret"] is None
    assert revoked["apiKey"]["revokedAt"] is not None
    refused = await system.post("{ tiers { level } }")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "API_KEY_REVOKED"
    again = (await admin.data(REVOKE_KEY, {"keyId": key["keyId"]}))["revokeApiKey"]
    assert codes(again) == [("INVALID_TRANSITION", "keyId")]
    for unknown in ("0123456789ab", "not-a-key-id"):
        missing = (await admin.data(REVOKE_KEY, {"keyId": unknown}))["revokeApiKey"]
        assert codes(missing) == [("NOT_FOUND", "keyId")]


async def test_bad_key_requests_are_user_errors_and_write_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    admin = act_as("admin@acme.example")
    before = await db.fetchval("SELECT count(*) FROM api_keys")
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"name": "ok", "scopes": []}, ("INVALID_INPUT", "scopes")),
        ({"name": "  ", "scopes": ["READ"]}, ("INVALID_INPUT", "name")),
        (
            {"name": "ok", "scopes": ["READ"], "expiresInDays": 0},
            ("INVALID_INPUT", "expiresInDays"),
        ),
        ({"name": "ok", "scopes": ["READ"], "partnerId": "nope"}, ("NOT_FOUND", "partnerId")),
    ]
    for given, expected in cases:
        payload = (await admin.data(CREATE_KEY, {"input": given}))["createApiKey"]
        assert payload["apiKey"] is None and payload["secret"] is None
        assert codes(payload) == [expected], given
    vendor = (
        await act_as("admin@vendor.example").data(
            CREATE_KEY, {"input": {"name": "ok", "scopes": ["READ"]}}
        )
    )["createApiKey"]
    assert codes(vendor) == [("PARTNER_REQUIRED", "partnerId")]
    for email in ("rep@acme.example", "cm@vendor.example", "analyst@vendor.example"):
        body = await act_as(email).execute(
            CREATE_KEY, {"input": {"name": "ok", "scopes": ["READ"]}}
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM api_keys") == before


async def test_vendor_admins_manage_any_partners_keys(act_as: ActAs, db: asyncpg.Pool) -> None:
    globex = to_global_id(
        "Partner", await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    )
    vendor = act_as("admin@vendor.example")
    created = await vendor.data(
        CREATE_KEY,
        {"input": {"name": "Globex CRM", "scopes": ["READ", "WRITE"], "partnerId": globex}},
    )
    key = created["createApiKey"]["apiKey"]
    assert key["scopes"] == ["READ", "WRITE"] and key["expiresAt"] is None
    seen = await with_key(act_as, created["createApiKey"]["secret"]).data(
        '{ partner(slug: "globex") { slug } acme: partner(slug: "acme") { slug } }'
    )
    assert seen == {"partner": {"slug": "globex"}, "acme": None}
    listed = await act_as("admin@globex.example").data(LIST_KEYS, {"slug": "globex"})
    assert key["keyId"] in {k["keyId"] for k in listed["partner"]["apiKeys"]}
    revoked = (await vendor.data(REVOKE_KEY, {"keyId": key["keyId"]}))["revokeApiKey"]
    assert revoked["apiKey"]["revokedAt"] is not None


async def test_only_admins_list_keys(act_as: ActAs, db: asyncpg.Pool) -> None:
    created = await act_as("admin@acme.example").data(
        CREATE_KEY, {"input": {"name": "Listing", "scopes": ["READ"]}}
    )
    secret = created["createApiKey"]["secret"]
    vendor = await act_as("admin@vendor.example").data(LIST_KEYS, {"slug": "acme"})
    assert "Listing" in {k["name"] for k in vendor["partner"]["apiKeys"]}
    callers = [
        act_as(e) for e in ("rep@acme.example", "cm@vendor.example", "analyst@vendor.example")
    ]
    for client in [*callers, with_key(act_as, secret)]:
        body = await client.execute(LIST_KEYS, {"slug": "acme"})
        assert body["data"]["partner"] == {"apiKeys": None}
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"] == ["partner", "apiKeys"]
