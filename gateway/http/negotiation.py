"""GraphQL over HTTP's media types: which one a response speaks, and which request bodies we read.

https://graphql.github.io/graphql-over-http/draft/ — `application/graphql-response+json` answers
request errors with 4xx; `application/json` (older clients) answers every well-formed request 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

import orjson
from starlette.responses import Response
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def _parameters(value: str) -> tuple[str, dict[str, str]]:
    """A media type and its parameters, lowercased names (the stdlib knows quoting rules)."""
    message = Message()
    message["content-type"] = value
    params = message.get_params() or [("", "")]
    media_type = params[0][0].strip().lower()
    return media_type, {name.lower(): str(v) for name, v in params[1:]}


@dataclass(frozen=True)
class _Range:
    media_type: str
    quality: float
    charset: str | None

    def matches(self, candidate: str) -> bool:
        if self.charset is not None and self.charset.lower() not in ("utf-8", "utf8"):
            return False  # we only ever answer in UTF-8
        if self.media_type in (candidate, "*/*"):
            return True
        return self.media_type.endswith("/*") and candidate.startswith(self.media_type[:-1])

    @property
    def specificity(self) -> int:
        return 0 if self.media_type == "*/*" else 1 if self.media_type.endswith("/*") else 2


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for part in accept.split(","):
        if not part.strip():
            continue
        media_type, params = _parameters(part)
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append(_Range(media_type, quality, params.get("charset")))
    return ranges


def _quality(ranges: list[_Range], candidate: str) -> tuple[float, bool]:
    """How much the client wants `candidate`, and whether it named it rather than a wildcard.
    The most specific matching range decides (RFC 9110, 12.5.1)."""
    matching = [r for r in ranges if r.matches(candidate)]
    if not matching:
        return 0.0, False
    decisive = max(matching, key=lambda r: r.specificity)
    return decisive.quality, decisive.specificity == 2


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when we can offer nothing it takes.

    No Accept header means application/json (the spec's rule for older clients), and so does a
    bare wildcard: `*/*` says nothing about the newer type being understood.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _ranges(accept)
    new_quality, new_named = _quality(ranges, GRAPHQL_RESPONSE_JSON)
    old_quality, _ = _quality(ranges, JSON)
    if new_quality <= 0 and old_quality <= 0:
        return None
    if old_quality <= 0 or new_quality > old_quality:
        return GRAPHQL_RESPONSE_JSON
    if new_named and new_quality == old_quality:
        return GRAPHQL_RESPONSE_JSON  # named as much as the old one: the client understands it
    return JSON


class UnsupportedBody(ValueError):
    """A POST body we cannot read: its media type or charset."""


def check_request_content_type(content_type: str | None) -> None:
    """POST bodies are JSON in UTF-8 (the default when no charset is given)."""
    if not content_type:
        raise UnsupportedBody("Send the request body with Content-Type: application/json")
    media_type, params = _parameters(content_type)
    if media_type != JSON:
        raise UnsupportedBody(
            f"Content-Type {media_type or content_type!r} is not supported; "
            "send application/json"
        )
    charset = params.get("charset")
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        raise UnsupportedBody(f"charset {charset!r} is not supported; send UTF-8")


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: only errors without a path (parse, validation, variables, limits).
    An execution error always has a path, even when it nulled the whole `data`."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def request_error(
    media_type: str,
    status: int,
    message: str,
    code: str,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A GraphQL response with one error and no `data` (nothing executed), with its code."""
    error = {"message": message, "extensions": {**(extensions or {}), "code": code}}
    return Response(
        orjson.dumps({"errors": [error]}),
        status_code=status,
        headers=dict(headers or {}),
        media_type=f"{media_type}; charset=utf-8",
    )
