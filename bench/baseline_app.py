"""The limit: a bare Starlette + asyncpg + orjson endpoint answering the benchmark's operations.

For each scenario it runs the statements the gateway runs (bench/baseline_sql.py, identity
lookup included) and returns the same JSON (field names, global ids, nesting); it is what a
hand-written Python endpoint costs. It serves only the operations in `bench/operations/`, picked
by `operationName`, and only the callers the scenarios use (a vendor admin, a partner rep).

    DATABASE_URL=... JWT_SECRET=... .venv/bin/python -m bench.baseline_app --port 8001
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

import asyncpg
import jwt
import orjson
import uvicorn
from asyncpg.connection import LoggedQuery
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import baseline_sql as sql

Json = dict[str, Any]
Record = asyncpg.Record


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_response(body: Json, status: int = 200) -> Response:
    return Response(orjson.dumps(body, default=_default), status, media_type="application/json")


def gid(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def db_id(global_id: str, type_name: str) -> int:
    kind, _, raw = base64.b64decode(global_id).decode().partition(":")
    if kind != type_name:
        raise ValueError(f"not a {type_name} id")
    return int(raw)


class StatementLog:
    """Counts statements like the gateway does (the pool's reset left out); can record them."""

    def __init__(self) -> None:
        self.count = 0
        self.recorded: list[Json] | None = None

    def logger_for(self, reset_query: str) -> Callable[[LoggedQuery], None]:
        def log(record: LoggedQuery) -> None:
            if record.query == reset_query:
                return
            self.count += 1
            if self.recorded is not None:
                self.recorded.append({"query": record.query, "args": [str(a) for a in record.args]})

        return log


STATEMENTS = StatementLog()
_WARM_UP = (
    "SELECT NULL::text[], NULL::bigint[], NULL::numeric, NULL::bpchar, NULL::date, "
    "NULL::timestamptz, NULL::jsonb, NULL::smallint, NULL::timestamptz[], NULL::jsonb[]"
)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.fetch(_WARM_UP)  # type codecs looked up before counting starts
    conn.add_query_logger(STATEMENTS.logger_for(conn.get_reset_query()))


# --- who is calling --------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    email: str
    role: str
    partner_id: int | None
    user_id: int | None

    @property
    def vendor_wide(self) -> bool:
        return self.role == "vendor_admin"


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def _claims(request: Request) -> dict[str, Any]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refused(401, "UNAUTHENTICATED")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            request.app.state.jwt_secret,
            algorithms=["HS256"],
            issuer="partner-gateway",
            audience="partner-gateway",
            leeway=30,
            options={"require": ["sub", "exp"]},
        )
    except jwt.PyJWTError:
        raise Refused(401, "INVALID_TOKEN") from None
    return claims


async def authenticate(conn: asyncpg.Connection, request: Request) -> Caller:
    claims = _claims(request)
    email = str(claims["sub"]).lower()
    rows = await conn.fetch(sql.IDENTITY_BY_EMAIL, email)
    partner = claims.get("partner")
    chosen = [r for r in rows if (r["partner_user_id"] is not None) == (partner is not None)]
    if not chosen:
        raise Refused(401, "UNKNOWN_ACCOUNT")
    row = chosen[0]
    if partner is not None and row["partner_slug"] != partner:
        raise Refused(401, "INVALID_TOKEN")
    if "roles" in claims and claims["roles"] != [row["role"]]:
        raise Refused(401, "INVALID_TOKEN")
    if not row["active"] or row["partner_status"] == "SUSPENDED":
        raise Refused(401, "ACCOUNT_INACTIVE")
    if row["role"] not in ("vendor_admin", "partner_rep"):
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    return Caller(email, row["role"], row["partner_id"], row["partner_user_id"])


# --- rows to JSON ----------------------------------------------------------------------------


def deal_json(row: Record) -> Json:
    return {
        "id": gid("Deal", row["id"]),
        "customerName": row["customer_name"],
        "customerDomain": row["customer_domain"],
        "region": row["region"],
        "products": row["products"],
        "amount": row["amount"],
        "currency": row["currency"],
        "stage": row["stage"],
        "expectedCloseDate": row["expected_close_date"],
        "status": row["status"],
        "registeredAt": row["registered_at"],
        "updatedAt": row["updated_at"],
    }


def partner_json(row: Record | None) -> Json | None:
    if row is None:
        return None
    return {"id": gid("Partner", row["id"]), "slug": row["slug"], "name": row["name"],
            "tier": row["tier"]}  # fmt: skip


def owner_json(row: Record | None) -> Json | None:
    if row is None:
        return None
    return {"id": gid("PartnerUser", row["id"]), "email": row["email"],
            "firstName": row["first_name"], "lastName": row["last_name"]}  # fmt: skip


async def partners_and_owners(
    conn: asyncpg.Connection, caller: Caller, deals: list[Record]
) -> tuple[dict[int, Record], dict[int, Record]]:
    partner_ids = list(dict.fromkeys(d["partner_id"] for d in deals))
    owner_ids = list(dict.fromkeys(d["owner_id"] for d in deals if d["owner_id"] is not None))
    if caller.vendor_wide:
        partners = await conn.fetch(sql.PARTNERS_BY_IDS, partner_ids)
        owners = await conn.fetch(sql.USERS_BY_IDS, owner_ids)
    else:
        own = [caller.partner_id]
        partners = await conn.fetch(sql.OWN_PARTNERS_BY_IDS, partner_ids, own)
        owners = await conn.fetch(sql.OWN_USERS_BY_IDS, owner_ids, own, caller.user_id)
    return {p["id"]: p for p in partners}, {u["id"]: u for u in owners}


def deals_with_relations(
    deals: list[Record], partners: dict[int, Record], owners: dict[int, Record]
) -> list[Json]:
    out = []
    for row in deals:
        item = deal_json(row)
        item["partner"] = partner_json(partners.get(row["partner_id"]))
        item["owner"] = owner_json(owners.get(row["owner_id"]))
        out.append(item)
    return out


# --- the operations --------------------------------------------------------------------------

Handler = Callable[[asyncpg.Connection, Caller, Json], Awaitable[Json]]


async def deal_by_id(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if not caller.vendor_wide:
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    deals = await conn.fetch(sql.DEALS_BY_IDS, [db_id(variables["id"], "Deal")])
    partners, owners = await partners_and_owners(conn, caller, deals)
    nodes = deals_with_relations(deals, partners, owners)
    return {"data": {"node": nodes[0] if nodes else None}}


async def deals_page(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    first = 100
    if caller.vendor_wide:
        deals = await conn.fetch(sql.DEALS_PAGE, first + 1)
    else:
        deals = await conn.fetch(sql.OWN_DEALS_PAGE, [caller.partner_id], caller.user_id, first + 1)
    deals = deals[:first]
    partners, owners = await partners_and_owners(conn, caller, deals)
    return {"data": {"deals": {"nodes": deals_with_relations(deals, partners, owners)}}}


async def partners_tree(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if not caller.vendor_wide:
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    first = 10
    partners = (await conn.fetch(sql.PARTNERS_PAGE, first + 1))[:first]
    partner_ids = [p["id"] for p in partners]
    deals_by_partner: dict[int, list[Record]] = {pid: [] for pid in partner_ids}
    for row in await conn.fetch(sql.DEALS_PAGE_PER_PARTNER, partner_ids, first + 1):
        deals_by_partner[row["partner_id"]].append(row)
    users_by_partner: dict[int, list[Record]] = {pid: [] for pid in partner_ids}
    for row in await conn.fetch(sql.USERS_PAGE_PER_PARTNER, partner_ids, first + 1):
        users_by_partner[row["partner_id"]].append(row)
    for pid in partner_ids:
        deals_by_partner[pid] = deals_by_partner[pid][:first]
        users_by_partner[pid] = users_by_partner[pid][:first]
    owner_ids = list(
        dict.fromkeys(d["owner_id"] for pid in partner_ids for d in deals_by_partner[pid])
    )
    owners = {u["id"]: u for u in await conn.fetch(sql.USERS_BY_IDS, owner_ids)}
    user_ids = [u["id"] for pid in partner_ids for u in users_by_partner[pid]]
    certifications: dict[int, list[Json]] = {uid: [] for uid in user_ids}
    now = datetime.now(UTC)
    for cert in await conn.fetch(sql.CERTIFICATIONS_BY_USER_IDS, user_ids):
        certifications[cert["user_id"]].append(
            {"expiresAt": cert["expires_at"], "isCurrent": cert["expires_at"] > now}
        )

    def owner_of(deal: Record) -> Json | None:
        owner = owners.get(deal["owner_id"])
        return None if owner is None else {"id": gid("PartnerUser", owner["id"]),
                                           "email": owner["email"]}  # fmt: skip

    nodes = []
    for p in partners:
        nodes.append(
            {
                "id": gid("Partner", p["id"]),
                "slug": p["slug"],
                "name": p["name"],
                "tier": p["tier"],
                "deals": {
                    "nodes": [
                        {
                            "id": gid("Deal", d["id"]),
                            "customerName": d["customer_name"],
                            "amount": d["amount"],
                            "status": d["status"],
                            "owner": owner_of(d),
                        }
                        for d in deals_by_partner[p["id"]]
                    ]
                },
                "users": {
                    "nodes": [
                        {
                            "id": gid("PartnerUser", u["id"]),
                            "email": u["email"],
                            "certifications": certifications[u["id"]],
                        }
                        for u in users_by_partner[p["id"]]
                    ]
                },
            }
        )
    return {"data": {"partners": {"nodes": nodes}}}


_DOMAIN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_PRODUCT = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,10}){0,3}$")


def _registration(caller: Caller, given: Json) -> list[Any]:
    """The insert's values, validated the way a hand-written endpoint would."""
    domain = str(given["customerDomain"]).strip().lower().removeprefix("www.")
    products = list(dict.fromkeys(str(p).strip().upper() for p in given["products"]))
    if not _DOMAIN.match(domain) or not products or not all(map(_PRODUCT.match, products)):
        raise Refused(400, "BAD_USER_INPUT")
    return [
        caller.partner_id,
        caller.user_id,
        " ".join(str(given["customerName"]).split()),
        domain,
        given["region"],
        products,
        Decimal(str(given["amount"])),
        given.get("currency", "USD"),
        given.get("stage", "PROSPECTING"),
        date.fromisoformat(given["expectedCloseDate"]),
        "PENDING",
    ]


async def register_deal(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if caller.role != "partner_rep":
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    values = _registration(caller, variables["input"])
    async with conn.transaction():
        owner = await conn.fetchrow(sql.REGISTER_OWNER, caller.user_id)
        if owner is None or owner["partner_id"] != caller.partner_id or not owner["active"]:
            raise Refused(400, "OWNER_NOT_IN_PARTNER")
        deal = await conn.fetchrow(sql.REGISTER_INSERT, *values)
        assert deal is not None  # INSERT ... RETURNING answers its row
        now = datetime.now(UTC)
        domain, products = deal["customer_domain"], deal["products"]
        rows = await conn.fetch(sql.CONFLICTING_DEALS, domain, products, deal["id"], now)
        deals = [r["id"] for r in rows]
        rows = await conn.fetch(sql.CONFLICTING_OPPORTUNITIES, domain, products)
        opportunities = [r["id"] for r in rows]
        if deals or opportunities:
            await conn.execute(sql.RECORD_CONFLICTS, deal["id"], deals, opportunities)
        detail = orjson.dumps({"customerDomain": domain}).decode()
        await conn.execute(
            sql.AUDIT_APPEND, [now], [uuid.uuid4().hex], [caller.email], [caller.role],
            [caller.partner_id], ["registerDeal"], ["Deal"], [deal["id"]], ["ALLOWED"], [None],
            [detail],
        )  # fmt: skip
    partners, owners = await partners_and_owners(conn, caller, [deal])
    partner, person = partners.get(deal["partner_id"]), owners.get(deal["owner_id"])
    body = {
        "id": gid("Deal", deal["id"]),
        "customerName": deal["customer_name"],
        "customerDomain": deal["customer_domain"],
        "products": deal["products"],
        "amount": deal["amount"],
        "currency": deal["currency"],
        "stage": deal["stage"],
        "expectedCloseDate": deal["expected_close_date"],
        "status": deal["status"],
        "partner": None if partner is None else {"id": gid("Partner", partner["id"]),
                                                 "slug": partner["slug"]},
        "owner": None if person is None else {"id": gid("PartnerUser", person["id"]),
                                              "email": person["email"]},
    }  # fmt: skip
    return {"data": {"registerDeal": {"deal": body, "userErrors": []}}}


OPERATIONS: dict[str, Handler] = {
    "DealById": deal_by_id,
    "DealsPage": deals_page,
    "PartnersTree": partners_tree,
    "RegisterDeal": register_deal,
}


# --- HTTP ------------------------------------------------------------------------------------


async def graphql(request: Request) -> Response:
    body = orjson.loads(await request.body())
    handler = OPERATIONS.get(body.get("operationName"))
    if handler is None:
        return json_response({"errors": [{"message": "unknown operation"}]}, 400)
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with pool.acquire() as proxy:
            # One connection for the whole request (the pool's proxy stands for it).
            conn = cast(asyncpg.Connection, proxy)
            caller = await authenticate(conn, request)
            result = await handler(conn, caller, body.get("variables") or {})
    except Refused as refused:
        errors = [{"message": refused.code, "extensions": {"code": refused.code}}]
        return json_response({"errors": errors}, refused.status)
    return json_response(result)


async def metrics(request: Request) -> Response:
    text = f'baseline_sql_statements_total{{source="request"}} {STATEMENTS.count}\n'
    return Response(text, media_type="text/plain")


async def readyz(request: Request) -> Response:
    return json_response({"status": "ready"})


async def record(request: Request) -> Response:
    """POST starts recording statements, GET returns those recorded since and stops."""
    if request.method == "POST":
        STATEMENTS.recorded = []
        return json_response({"recording": True})
    recorded, STATEMENTS.recorded = STATEMENTS.recorded or [], None
    return json_response({"statements": recorded})


def create_app(dsn: str, jwt_secret: str, pool_min: int, pool_max: int) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.jwt_secret = jwt_secret
        app.state.pool = await asyncpg.create_pool(
            dsn,
            min_size=pool_min,
            max_size=pool_max,
            init=_init_connection,
            server_settings={"statement_timeout": "15000", "application_name": "bench-baseline"},
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    routes = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/_bench/statements", record, methods=["GET", "POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description="The benchmark's baseline endpoint.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(
        os.environ["DATABASE_URL"],
        os.environ["JWT_SECRET"],
        int(os.environ.get("DB_POOL_MIN", "2")),
        int(os.environ.get("DB_POOL_MAX", "10")),
    )
    # The same server stack as the gateway: uvicorn picks uvloop and httptools when installed.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
