"""Unique identifiers for generated rows: slugs, e-mail local parts and CRM record ids."""

from __future__ import annotations

import random
import re
import string

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_CRM_ALPHABET = string.ascii_letters + string.digits
SLUG_MAX = 63


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-', at most 63 characters (the partners.slug CHECK)."""
    slug = _NOT_SLUG.sub("-", text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


def email_local_part(first_name: str, last_name: str) -> str:
    """`firstname.lastname`, without spaces or punctuation ("Van Dijk" -> "vandijk")."""
    first = _NOT_SLUG.sub("", first_name.lower())
    last = _NOT_SLUG.sub("", last_name.lower())
    return f"{first}.{last}"


def unique_slug(text: str, taken: set[str]) -> str:
    """slugify(text), suffixed with -2, -3, ... until it is not in `taken`; records the result."""
    base = slugify(text)
    slug = base
    counter = 1
    while slug in taken:
        counter += 1
        suffix = f"-{counter}"
        slug = base[: SLUG_MAX - len(suffix)] + suffix
    taken.add(slug)
    return slug


class CrmIds:
    """Salesforce-style 18-character ids (3-character key prefix + 15), unique per generator.

    The key prefix says the object type: 001 account, 00Q lead, 006 opportunity.
    """

    ACCOUNT = "001"
    LEAD = "00Q"
    OPPORTUNITY = "006"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()  # only tested for membership, never iterated

    def new(self, prefix: str) -> str:
        while True:
            candidate = prefix + "".join(self._rng.choices(_CRM_ALPHABET, k=15))
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate
