"""The statements the baseline runs: copied verbatim from what the gateway sends for each scenario.

Captured with `python -m bench.capture` (asyncpg's query logger inside the real gateway);
`bench.run` captures them again on every run and flags any drift (see `bench/verify.py`).
"""

from __future__ import annotations

DEAL_COLUMNS = (
    "id, partner_id, owner_id, customer_name, customer_domain, region, products, amount, "
    "currency, stage, expected_close_date, status, protection_expires_at, rejection_reason, "
    "internal_notes, discount_pct, crm_lead_id, crm_opportunity_id, registered_at, decided_at, "
    "closed_at, created_at, updated_at"
)
PARTNER_COLUMNS = (
    "id, slug, name, region, country, status, tier, website, domain, channel_manager_id, "
    "internal_rating, contract_value, joined_at, crm_account_id, created_at, updated_at"
)
USER_COLUMNS = (
    "id, partner_id, email, first_name, last_name, title, phone, role, active, created_at, "
    "updated_at"
)


def _aliased(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns.split(", "))


D_COLS = _aliased(DEAL_COLUMNS, "d")
P_COLS = _aliased(PARTNER_COLUMNS, "p")
U_COLS = _aliased(USER_COLUMNS, "u")

# Who is calling: both account tables in one statement (gateway/store/identities.py).
IDENTITY_BY_EMAIL = """
SELECT v.id AS vendor_user_id, NULL::bigint AS partner_user_id, v.role, v.active,
       NULL::bigint AS partner_id, NULL::text AS partner_slug, NULL::text AS partner_status,
       ARRAY(
           SELECT p.id FROM partners p WHERE p.channel_manager_id = v.id ORDER BY p.id
       ) AS managed_partner_ids
FROM vendor_users v
WHERE v.email = $1
UNION ALL
SELECT NULL, u.id, u.role, u.active, u.partner_id, p.slug, p.status, '{}'::bigint[]
FROM partner_users u JOIN partners p ON p.id = u.partner_id
WHERE u.email = $1
"""

# Vendor-wide callers (no row scope).
DEALS_BY_IDS = f"SELECT {D_COLS} FROM deals d WHERE d.id = ANY($1::bigint[])"
DEALS_PAGE = f"SELECT {D_COLS} FROM deals d  ORDER BY d.id ASC, d.id ASC LIMIT $1"
PARTNERS_BY_IDS = f"SELECT {P_COLS} FROM partners p WHERE p.id = ANY($1::bigint[])"
USERS_BY_IDS = f"SELECT {U_COLS} FROM partner_users u WHERE u.id = ANY($1::bigint[])"
PARTNERS_PAGE = f"SELECT {P_COLS} FROM partners p  ORDER BY p.id ASC, p.id ASC LIMIT $1"
DEALS_PAGE_PER_PARTNER = (
    "SELECT page.* FROM unnest($1::bigint[]) AS parent(id) CROSS JOIN LATERAL "
    f"(SELECT {D_COLS} FROM deals d WHERE d.partner_id = parent.id "
    "ORDER BY d.id ASC, d.id ASC LIMIT $2) AS page"
)
USERS_PAGE_PER_PARTNER = (
    "SELECT page.* FROM unnest($1::bigint[]) AS parent(id) CROSS JOIN LATERAL "
    f"(SELECT {U_COLS} FROM partner_users u WHERE u.partner_id = parent.id "
    "ORDER BY u.id ASC, u.id ASC LIMIT $2) AS page"
)
CERTIFICATIONS_BY_USER_IDS = (
    "SELECT cert.id, cert.user_id, cert.partner_id, cert.course_id, cert.enrollment_id, "
    "cert.issued_at, cert.expires_at FROM certifications cert "
    "WHERE cert.user_id = ANY($1::bigint[]) ORDER BY cert.user_id, cert.id"
)

# A partner rep: their partner's rows, and of deals and people only their own.
OWN_DEALS_PAGE = (
    f"SELECT {D_COLS} FROM deals d WHERE d.partner_id = ANY($1::bigint[]) AND d.owner_id = $2 "
    "ORDER BY d.id ASC, d.id ASC LIMIT $3"
)
OWN_PARTNERS_BY_IDS = (
    f"SELECT {P_COLS} FROM partners p WHERE p.id = ANY($1::bigint[]) AND p.id = ANY($2::bigint[])"
)
OWN_USERS_BY_IDS = (
    f"SELECT {U_COLS} FROM partner_users u WHERE u.id = ANY($1::bigint[]) "
    "AND u.partner_id = ANY($2::bigint[]) AND u.id = $3"
)

# registerDeal, inside one transaction (gateway/workflows/deals.py, gateway/store/*).
REGISTER_OWNER = "SELECT id, partner_id, active, email FROM partner_users WHERE id = $1"
REGISTER_INSERT = (
    "INSERT INTO deals (partner_id, owner_id, customer_name, customer_domain, region, products, "
    "amount, currency, stage, expected_close_date, status) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    f"RETURNING {DEAL_COLUMNS}"
)
CONFLICTING_DEALS = """
SELECT d.id FROM deals d
WHERE d.customer_root_domain = registrable_domain($1)
  AND d.products && $2::text[]
  AND d.id <> $3
  AND (d.status = 'PENDING' OR (d.status = 'APPROVED' AND d.protection_expires_at > $4))
ORDER BY d.id
"""
CONFLICTING_OPPORTUNITIES = """
SELECT o.id FROM crm_opportunities o
WHERE o.customer_root_domain = registrable_domain($1)
  AND NOT o.is_closed
  AND (cardinality(o.products) = 0 OR o.products && $2::text[])
ORDER BY o.id
"""
RECORD_CONFLICTS = """
INSERT INTO deal_conflicts (deal_id, conflicting_deal_id, crm_opportunity_id)
SELECT $1::bigint, other, NULL::bigint FROM unnest($2::bigint[]) AS other
UNION ALL
SELECT $1::bigint, NULL::bigint, opp FROM unnest($3::bigint[]) AS opp
"""
OUTBOX_CREATE = (
    "INSERT INTO crm_outbox (deal_id, partner_id, operation, deal_status) "
    "SELECT id, partner_id, 'create', status FROM deals WHERE id = $1"
)
AUDIT_APPEND = """
INSERT INTO audit_events (occurred_at, request_id, subject, role, partner_id, operation,
                          object_type, object_id, outcome, reason, detail)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[],
                     $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[],
                     $10::text[], $11::jsonb[])
"""
