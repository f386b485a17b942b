"""Authorization: turns who is asking into a Grant of row scopes and field sets."""
