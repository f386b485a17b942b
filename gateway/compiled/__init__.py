"""Compiled execution: each known query text planned once, then answered over rows without
per-field resolution."""
