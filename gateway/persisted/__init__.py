"""Persisted operations: a safelist manifest and automatic persisted queries (APQ)."""
