"""Parsing each distinct operation text once, with errors still reported the usual way."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


class CachedParsing(ParserCache):
    """Strawberry's ParserCache raises a syntax error from inside its hook, which skips the
    operation's other extensions (ours gives every error its code). Leaving a bad document
    unparsed lets Strawberry parse it again and report it through the normal path."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield
