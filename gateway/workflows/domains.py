"""Customer domains as people type them, normalised to what conflict detection compares."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from gateway.workflows.rejection import INVALID_DOMAIN, Rejected

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_domain(text: str, field: str = "customerDomain") -> str:
    """`https://WWW.Emea.Contoso.example/path` -> `emea.contoso.example`."""
    raw = text.strip().lower()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    raw = raw.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    raw = raw.removeprefix("www.")
    try:
        ascii_domain = raw.encode("idna").decode("ascii") if raw else ""
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253 or not all(_LABEL.match(x) for x in labels):
        raise Rejected(
            INVALID_DOMAIN, f"{text!r} is not a web domain such as contoso.example", field
        )
    return ascii_domain
