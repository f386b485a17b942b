"""Scheduled work (deal expiry, lead SLA recalls, tier recomputation), run under advisory locks."""
