"""A mutation refused for a reason the caller can fix: it becomes a `userErrors` entry."""

from __future__ import annotations

# Codes are part of the API; clients branch on them.
NOT_FOUND = "NOT_FOUND"
INVALID_TRANSITION = "INVALID_TRANSITION"
INVALID_INPUT = "INVALID_INPUT"
INVALID_DOMAIN = "INVALID_DOMAIN"
INVALID_PRODUCT = "INVALID_PRODUCT"
DATE_IN_PAST = "DATE_IN_PAST"
APPROVAL_CONFLICT = "APPROVAL_CONFLICT"
PROTECTION_EXPIRED = "PROTECTION_EXPIRED"
EXTENSION_PENDING = "EXTENSION_PENDING"
OWNER_REQUIRED = "OWNER_REQUIRED"
OWNER_NOT_IN_PARTNER = "OWNER_NOT_IN_PARTNER"
SLA_EXPIRED = "SLA_EXPIRED"
NO_ELIGIBLE_PARTNER = "NO_ELIGIBLE_PARTNER"
ALREADY_EXISTS = "ALREADY_EXISTS"


class Rejected(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
