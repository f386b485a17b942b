"""Grants: scopes bound to the caller, key scopes narrowing, several roles widening."""

from __future__ import annotations

from gateway.authz.authorizer import Authorizer
from gateway.authz.policy import DEFAULT_POLICY_DIR
from gateway.authz.universe import FieldRef
from gateway.store.scope import RowScope
from tests.support.principals import principal


def _authorizer(fields: tuple[FieldRef, ...], guarded: frozenset[str]) -> Authorizer:
    return Authorizer(DEFAULT_POLICY_DIR, fields, guarded)


def test_rep_scopes_are_bound_to_the_rep(
    fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    rep = principal("rep@acme.example", "partner_rep", partner_id=1, partner_slug="acme", user_id=5)
    grant = _authorizer(fields, guarded).grant_for(rep)
    assert grant.row_scope("Deal") == RowScope(partner_ids=frozenset({1}), owner_user_id=5)
    assert grant.row_scope("Partner") == RowScope(partner_ids=frozenset({1}))
    assert grant.row_scope("Course") == RowScope.everything()
    assert not grant.is_vendor


def test_channel_manager_sees_managed_partners(
    fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    cm = principal("cm@vendor.example", "channel_manager", managed_partner_ids=frozenset({1, 4}))
    grant = _authorizer(fields, guarded).grant_for(cm)
    assert grant.row_scope("Lead") == RowScope(partner_ids=frozenset({1, 4}))
    assert grant.can("Deal", "approve") and not grant.can("Deal", "create")
    assert grant.is_vendor


def test_read_only_key_may_not_write(fields: tuple[FieldRef, ...], guarded: frozenset[str]) -> None:
    key = principal(
        "apikey:abc",
        "partner_system",
        partner_id=1,
        partner_slug="acme",
        key_scopes=frozenset({"read"}),
    )
    grant = _authorizer(fields, guarded).grant_for(key)
    assert grant.can_read_object("Deal") and grant.can_read_field("Lead", "score")
    assert not grant.can("Deal", "create")
    # An API key has no user of its own: "own records" would be nobody's, own partner applies.
    assert grant.row_scope("Deal") == RowScope(partner_ids=frozenset({1}))


def test_write_only_key_may_not_read(fields: tuple[FieldRef, ...], guarded: frozenset[str]) -> None:
    key = principal(
        "apikey:abc",
        "partner_system",
        partner_id=1,
        partner_slug="acme",
        key_scopes=frozenset({"write"}),
    )
    grant = _authorizer(fields, guarded).grant_for(key)
    assert not grant.can_read_object("Deal")
    assert grant.row_scope("Deal") == RowScope.nothing()
    assert grant.can("Deal", "create")


def test_a_partner_without_a_partner_sees_nothing(
    fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    orphan = principal("x@example", "partner_admin")
    grant = _authorizer(fields, guarded).grant_for(orphan)
    assert grant.row_scope("Deal") == RowScope.nothing()
    assert grant.row_scope("Partner") == RowScope.nothing()


def test_several_roles_take_the_broadest(
    fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    both = principal(
        "boss@vendor.example", "analyst", "channel_manager", managed_partner_ids=frozenset({1})
    )
    grant = _authorizer(fields, guarded).grant_for(both)
    assert grant.row_scope("Deal") == RowScope.everything()
    assert grant.can("Deal", "approve")
