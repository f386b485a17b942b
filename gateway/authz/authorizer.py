"""The policy in force, hot-reloaded from disk, and the grant it gives each caller."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from gateway.auth.principal import Principal
from gateway.authz.coverage import unguarded_denials
from gateway.authz.grant import Grant, Permissions
from gateway.authz.permissions import compute_permissions
from gateway.authz.policy import Policy, PolicyError
from gateway.authz.scopes import bind_scope, check_scope_fits
from gateway.authz.universe import POLICY_OBJECTS, FieldRef
from gateway.background import stop_task

log = logging.getLogger(__name__)

_PermissionsKey = tuple[frozenset[str], str, frozenset[str] | None]


class Authorizer:
    def __init__(
        self, policy_dir: Path, fields: tuple[FieldRef, ...], guarded: frozenset[str]
    ) -> None:
        self.policy_dir = policy_dir
        self.fields = fields
        self.guarded = guarded
        self.policy = self._load()
        self._stamp = self._files_stamp()
        self._permissions: dict[_PermissionsKey, Permissions] = {}
        self._watcher: asyncio.Task[None] | None = None

    def _load(self) -> Policy:
        policy = Policy.from_dir(self.policy_dir)
        for line in policy.enforcer.get_named_policy("p2"):
            obj, kind = line[2], line[3]
            for name in POLICY_OBJECTS if obj == "*" else (obj,):
                problem = None if obj == "*" and kind == "all" else check_scope_fits(name, kind)
                if problem:
                    raise PolicyError(f"{problem}: {', '.join(line)}")
        problems = unguarded_denials(policy, self.fields, self.guarded)
        if problems:
            raise PolicyError(
                "the policy denies fields the schema serves without a guard (add "
                f"extensions=guarded() to them first): {'; '.join(problems[:10])}"
            )
        return policy

    def _files_stamp(self) -> tuple[float, ...]:
        paths = (self.policy_dir / "model.conf", self.policy_dir / "policy.csv")
        return tuple(path.stat().st_mtime_ns for path in paths)

    def reload(self) -> bool:
        """Swap in the policy on disk; a broken one is refused and the last good one stays."""
        try:
            policy = self._load()
        except (PolicyError, OSError) as exc:
            log.error("policy reload refused, the previous policy stays in force: %s", exc)
            return False
        self.policy = policy
        self._permissions = {}
        log.info("policy reloaded from %s", self.policy_dir)
        return True

    def permissions_for(self, principal: Principal) -> Permissions:
        domain = principal.partner_slug or "*"
        key: _PermissionsKey = (principal.roles, domain, principal.key_scopes)
        found = self._permissions.get(key)
        if found is None:
            found = compute_permissions(
                self.policy, self.fields, principal.roles, domain, principal.key_scopes
            )
            self._permissions[key] = found
        return found

    def grant_for(self, principal: Principal) -> Grant:
        permissions = self.permissions_for(principal)
        scopes = {obj: bind_scope(kind, principal) for obj, kind in permissions.scope_kinds.items()}
        return Grant(subject=principal.subject, permissions=permissions, scopes=scopes)

    # ---- hot reload ---------------------------------------------------------------------

    def check_for_changes(self) -> None:
        try:
            stamp = self._files_stamp()
        except OSError as exc:
            log.error("cannot read the policy files, the previous policy stays: %s", exc)
            return
        if stamp != self._stamp:
            self._stamp = stamp
            self.reload()

    async def _watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.check_for_changes()

    def start(self, interval: float = 1.0) -> None:
        """Poll the files for edits, and reload on SIGHUP too."""
        loop = asyncio.get_running_loop()
        self._watcher = loop.create_task(self._watch(interval))
        try:
            loop.add_signal_handler(signal.SIGHUP, self.reload)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, no SIGHUP
            log.debug("SIGHUP reload unavailable here; file polling still reloads")

    async def stop(self) -> None:
        await stop_task(self._watcher)
        self._watcher = None
        try:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
