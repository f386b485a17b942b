"""Request-scoped batch loaders: one batch per relation per request (aiodataloader)."""
