"""Resolvers: turn GraphQL arguments into scoped store and loader calls."""
