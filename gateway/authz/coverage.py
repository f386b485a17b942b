"""A policy may only deny what the schema guards: otherwise a denied field would still answer.

Checked whenever a policy is loaded, so an edit that needs a code change is refused, not served.
"""

from __future__ import annotations

from gateway.authz.permissions import VENDOR_ROLES, compute_permissions
from gateway.authz.policy import ROLES, Policy
from gateway.authz.universe import FieldRef

# A partner slug that appears in no policy line: what the `*` rules give any partner.
_ANY_PARTNER = "any-partner-without-overrides"


def partner_domains(policy: Policy) -> list[str]:
    named = {line[1] for line in policy.enforcer.get_named_policy("p") if line[1] != "*"}
    named |= {line[1] for line in policy.enforcer.get_named_policy("p2") if line[1] != "*"}
    return sorted(named) + [_ANY_PARTNER]


def unguarded_denials(
    policy: Policy, fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> list[str]:
    """`role@domain: Type.field` for each field some caller is denied although it has no guard."""
    problems: list[str] = []
    for role in sorted(ROLES):
        domains = ["*"] if role in VENDOR_ROLES else partner_domains(policy)
        for domain in domains:
            permissions = compute_permissions(policy, fields, frozenset({role}), domain, None)
            for field in fields:
                if field.type_name not in permissions.readable_objects:
                    continue  # the whole object is out of reach: guarded where it is reached
                readable = permissions.readable_fields.get(field.type_name, frozenset())
                if field.field_name not in readable and field.key not in guarded:
                    problems.append(f"{role}@{domain}: {field.key}")
    return problems
