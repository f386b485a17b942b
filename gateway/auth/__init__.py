"""Authentication: API keys and JWTs, turned into a Principal."""
