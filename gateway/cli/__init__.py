"""The `partner-gateway` command line."""
