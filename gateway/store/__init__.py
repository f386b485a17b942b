"""The Postgres store: the only package that holds SQL."""
