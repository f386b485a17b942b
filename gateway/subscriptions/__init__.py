"""Live updates: Postgres NOTIFY -> one listener per process -> subscriber queues -> websockets."""
