"""Rate limits: a request budget per API key and per person, in memory or shared through Redis."""
