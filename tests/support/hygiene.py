"""What no answer may contain: a Python traceback, a database message or SQL text, an error
without a stable `extensions.code`. Shared by the fault, attack and fuzz tests."""

from __future__ import annotations

import re
from typing import Any

import httpx
import orjson

# Phrases only Python or Postgres produce; user input echoed in a message will not match them.
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\.py\"|asyncpg|psycopg|"
    r"syntax error at or near|invalid input syntax|unterminated quoted|relation \"|"
    r"column \"|violates [a-z ]+ constraint|LINE \d+:|\$\d+::|pg_catalog|"
    r"\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|\bWHERE\b.+="
)


def leaked(text: str) -> str | None:
    """The first leak in `text`, or None."""
    match = LEAKS.search(text)
    return None if match is None else match.group(0)


def error_codes(body: dict[str, Any]) -> list[str]:
    """The codes of a GraphQL body's errors; each error must have one."""
    codes = []
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and code, f"an error without extensions.code: {error}"
        codes.append(code)
    return codes


def checked_body(response: httpx.Response, *, echoed: str = "") -> dict[str, Any]:
    """The JSON body of an answer that leaks nothing and codes every error; never a 5xx other
    than 503 (the database or an identity provider away, said with a code). `echoed`: input the
    caller sent, which a message may quote back ("… is not an id this API issued")."""
    text = response.text
    if echoed:
        text = text.replace(orjson.dumps(echoed).decode()[1:-1], "")
    leak = leaked(text)
    assert leak is None, f"the answer leaks {leak!r}: {response.text[:2000]}"
    assert response.status_code < 500 or response.status_code == 503, (
        response.status_code, dict(response.headers), response.text[:2000]
    )
    assert response.headers.get("content-type", "").startswith(
        ("application/json", "application/graphql-response+json")
    ), (response.status_code, response.headers.get("content-type"), response.text[:500])
    body = response.json()
    assert isinstance(body, dict), body
    codes = error_codes(body)
    if response.status_code == 503:
        assert codes, body
    return body
