"""Loading and hot-reloading the policy: broken or unsafe edits are refused, the last good stays."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from gateway.authz.authorizer import Authorizer
from gateway.authz.policy import Policy, PolicyError
from gateway.authz.universe import FieldRef
from tests.support.principals import principal

REP = principal("rep@acme.example", "partner_rep", partner_id=1, partner_slug="acme", user_id=5)


def _append(directory: Path, line: str) -> None:
    with (directory / "policy.csv").open("a") as handle:
        handle.write(line + "\n")


def _touch(directory: Path) -> None:
    # mtime resolution can hide two writes in one tick; move the clock on explicitly.
    stat = (directory / "policy.csv").stat()
    os.utime(directory / "policy.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))


def test_an_unknown_role_is_refused(policy_copy: Path) -> None:
    _append(policy_copy, "p, partner_intern, *, Deal, read, allow")
    with pytest.raises(PolicyError, match="unknown role 'partner_intern'"):
        Policy.from_dir(policy_copy)


def test_a_bad_effect_is_refused(policy_copy: Path) -> None:
    _append(policy_copy, "p, partner_rep, *, Deal, read, perhaps")
    with pytest.raises(PolicyError, match="effect must be allow or deny"):
        Policy.from_dir(policy_copy)


def test_a_scope_that_cannot_apply_is_refused(
    policy_copy: Path, fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    _append(policy_copy, "p2, partner_rep, acme, Course, own_records")
    with pytest.raises(PolicyError, match="Course rows have no owner"):
        Authorizer(policy_copy, fields, guarded)


def test_denying_an_unguarded_field_is_refused(
    policy_copy: Path, fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    _append(policy_copy, "p, partner_rep, *, Deal.customerName, read, deny")
    with pytest.raises(PolicyError, match=r"partner_rep@\S+: Deal.customerName"):
        Authorizer(policy_copy, fields, guarded)


def test_an_edit_takes_effect_without_restart(
    policy_copy: Path, fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    authorizer = Authorizer(policy_copy, fields, guarded)
    assert authorizer.grant_for(REP).can_read_field("Lead", "score")
    text = (policy_copy / "policy.csv").read_text()
    (policy_copy / "policy.csv").write_text(
        text.replace("p, partner_rep, acme, Lead.score, read, allow\n", "")
    )
    _touch(policy_copy)
    authorizer.check_for_changes()
    assert not authorizer.grant_for(REP).can_read_field("Lead", "score")


def test_a_broken_edit_keeps_the_last_good_policy(
    policy_copy: Path,
    fields: tuple[FieldRef, ...],
    guarded: frozenset[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    authorizer = Authorizer(policy_copy, fields, guarded)
    _append(policy_copy, "p, partner_rep, *, Deal.internalNotes, read")  # a field short
    _touch(policy_copy)
    with caplog.at_level(logging.ERROR, logger="gateway.authz.authorizer"):
        authorizer.check_for_changes()
    assert "policy reload refused, the previous policy stays in force" in caplog.text
    assert authorizer.grant_for(REP).can_read_field("Deal", "amount")
    assert not authorizer.grant_for(REP).can_read_field("Deal", "internalNotes")


async def test_sighup_reloads(
    policy_copy: Path, fields: tuple[FieldRef, ...], guarded: frozenset[str]
) -> None:
    authorizer = Authorizer(policy_copy, fields, guarded)
    authorizer.start(interval=3600)  # polling far away: only the signal can reload in time
    try:
        _append(policy_copy, "p, partner_rep, globex, Lead.score, read, allow")
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            await asyncio.sleep(0.01)
            globex_rep = principal(
                "r", "partner_rep", partner_id=2, partner_slug="globex", user_id=9
            )
            if authorizer.grant_for(globex_rep).can_read_field("Lead", "score"):
                break
        else:
            pytest.fail("SIGHUP did not reload the policy")
    finally:
        await authorizer.stop()
