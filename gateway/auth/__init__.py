"""Who is asking: a JWT or an API key, checked against the database, becomes a Principal."""
