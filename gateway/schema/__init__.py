"""The GraphQL schema: Strawberry types, thin; fields, descriptions and wiring to resolvers."""
