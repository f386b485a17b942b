-- The CRM mirror (gateway/crm/sync.py): where each object's sync stands, and the CRM records
-- themselves. A mirrored record with a local counterpart (a partner's account, a deal's lead or
-- opportunity, a lead) also updates that row; one without stays here only (see the README).

-- A website or e-mail host as a lower-case domain: https://www.Contoso.example/x -> contoso.example.
CREATE FUNCTION crm_domain(address text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT nullif(lower(regexp_replace(
        regexp_replace(address, '^([a-z][a-z0-9+.-]*://)?([^@/]*@)?(www\.)?', '', 'i'),
        '[/:?#].*$', '')), '')
$$;

CREATE TABLE crm_sync_state (
    object                 text PRIMARY KEY CHECK (object IN ('Account', 'Lead', 'Opportunity')),
    -- The last committed record, as the CRM wrote them: the next run starts at
    -- cursor_modstamp minus the overlap window.
    cursor_modstamp        timestamptz,
    cursor_id              text,
    -- Deletes are applied up to here (the deleted/ endpoint's latestDateCovered).
    deletes_checked_until  timestamptz,
    -- Set while a full resync runs (kept across a crash): records not seen since are gone.
    full_started_at        timestamptz,
    last_attempt_at        timestamptz,
    last_success_at        timestamptz,
    last_run_records       integer NOT NULL DEFAULT 0,
    last_error             text,
    last_error_at          timestamptz,
    CHECK ((cursor_modstamp IS NULL) = (cursor_id IS NULL))
);

CREATE TABLE crm_accounts (
    crm_id           text PRIMARY KEY,
    name             text NOT NULL,
    website          text,
    domain           text GENERATED ALWAYS AS (crm_domain(website)) STORED,
    industry         text,
    billing_country  text,
    is_partner       boolean NOT NULL DEFAULT false,
    system_modstamp  timestamptz NOT NULL,
    deleted_at       timestamptz,
    synced_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crm_leads (
    crm_id                    text PRIMARY KEY,
    first_name                text,
    last_name                 text NOT NULL,
    email                     text,
    phone                     text,
    company                   text NOT NULL,
    website                   text,
    status                    text,
    lead_source               text,
    partner_account_id        text,
    is_converted              boolean NOT NULL DEFAULT false,
    converted_opportunity_id  text,
    system_modstamp           timestamptz NOT NULL,
    deleted_at                timestamptz,
    synced_at                 timestamptz NOT NULL DEFAULT now()
);

-- crm_opportunities (0003) gains what the mirror knows besides what conflict detection reads.
-- A deleted opportunity is marked closed as well: it no longer blocks registrations.
ALTER TABLE crm_opportunities
    ADD COLUMN account_crm_id          text,
    ADD COLUMN partner_account_crm_id  text,
    ADD COLUMN currency                text,
    ADD COLUMN is_won                  boolean NOT NULL DEFAULT false,
    ADD COLUMN deleted_at              timestamptz,
    ADD COLUMN synced_at               timestamptz NOT NULL DEFAULT now();
