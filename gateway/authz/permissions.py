"""Turns a role's implicit Casbin permissions into sets: readable fields, actions, scopes."""

from __future__ import annotations

from collections.abc import Iterable

from casbin.util import key_match

from gateway.authz.grant import Permissions
from gateway.authz.policy import Policy, Rule, ScopeRule
from gateway.authz.scopes import BREADTH
from gateway.authz.universe import POLICY_OBJECTS, FieldRef

VENDOR_ROLES = frozenset({"vendor_admin", "channel_manager", "analyst"})
ACTION_OBJECTS = (*POLICY_OBJECTS, "ApiKey")
ACTIONS = (
    "create",
    "update",
    "approve",
    "reject",
    "assign",
    "recall",
    "accept",
    "convert",
    "invite",
    "deactivate",
    "request_extension",
    "close",
    "revoke",
)


def _decide(rules: Iterable[Rule], domain: str, obj: str, action: str) -> bool:
    """Casbin's effect, `some allow and no deny`, over rules already filtered to one role."""
    allowed = False
    for rule in rules:
        if rule.matches(domain, obj, action):
            if rule.effect == "deny":
                return False
            allowed = True
    return allowed


def scope_kind(rules: Iterable[ScopeRule], domain: str, obj: str) -> str | None:
    """The partner's own rule beats the `*` rule for the same object."""
    general: str | None = None
    for rule in rules:
        if not key_match(obj, rule.obj):
            continue
        if rule.domain == domain and domain != "*":
            return rule.scope
        if key_match(domain, rule.domain):
            general = rule.scope
    return general


def compute_permissions(
    policy: Policy,
    fields: tuple[FieldRef, ...],
    roles: frozenset[str],
    domain: str,
    key_scopes: frozenset[str] | None,
) -> Permissions:
    objects: set[str] = set()
    field_keys: set[str] = set()
    actions: set[tuple[str, str]] = set()
    kinds: dict[str, str] = {}
    for role in sorted(roles):
        rules = policy.rules_for(role, domain)
        objects |= {o for o in POLICY_OBJECTS if _decide(rules, domain, o, "read")}
        field_keys |= {f.key for f in fields if _decide(rules, domain, f.key, "read")}
        actions |= {
            (o, a)
            for o in ACTION_OBJECTS
            for a in ("read", *ACTIONS)
            if _decide(rules, domain, o, a)
        }
        scope_rules = policy.scope_rules_for(role, domain)
        for obj in POLICY_OBJECTS:
            kind = scope_kind(scope_rules, domain, obj)
            if kind is not None and BREADTH[kind] > BREADTH[kinds.get(obj, "none")]:
                kinds[obj] = kind
    if key_scopes is not None and "read" not in key_scopes:
        objects, field_keys = set(), set()
        actions = {(o, a) for o, a in actions if a != "read"}
    if key_scopes is not None and "write" not in key_scopes:
        actions = {(o, a) for o, a in actions if a == "read"}
    readable: dict[str, set[str]] = {}
    for field in fields:
        # A relation is readable only where the object it leads to is readable too.
        if field.key in field_keys and (field.target is None or field.target in objects):
            readable.setdefault(field.type_name, set()).add(field.field_name)
    return Permissions(
        readable_fields={t: frozenset(names) for t, names in readable.items()},
        readable_objects=frozenset(objects),
        actions=frozenset(actions),
        scope_kinds=kinds,
        is_vendor=bool(roles & VENDOR_ROLES),
    )
