"""HTTP endpoints: GraphQL, health, readiness and metrics."""
