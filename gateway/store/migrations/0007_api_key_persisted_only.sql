-- An API key may be held to the persisted operations manifest (a safelist): its requests may
-- run only the operations listed there. Set when the key is created (`--persisted-only`).
ALTER TABLE api_keys ADD COLUMN persisted_only boolean NOT NULL DEFAULT false;
