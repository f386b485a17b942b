"""Operation limits (depth, aliases, tokens, length, root fields, cost), checked pre-execution."""
