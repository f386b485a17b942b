-- The CRM write-back outbox: written in the same transaction as the deal change it reports,
-- delivered by a worker (gateway/crm/outbox/), never deleted, so a failure stays visible.
CREATE TABLE crm_outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id          bigint NOT NULL REFERENCES deals (id),
    -- Copied from the deal: the row scope of `outbox` (channel managers see their partners').
    partner_id       bigint NOT NULL REFERENCES partners (id),
    -- create: a Lead carrying the deal's id as its external id; update: the deal's new status.
    operation        text NOT NULL CHECK (operation IN ('create', 'update')),
    deal_status      text NOT NULL CHECK (deal_status IN ('PENDING', 'APPROVED', 'REJECTED',
                         'EXPIRED', 'WON', 'LOST')),
    status           text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A worker's lease: another worker may take the entry over once it has passed (a crash).
    claimed_until    timestamptz,
    last_error       text,
    -- Why a failed entry failed: the CRM refused it (invalid), or the record is gone there.
    failure          text CHECK (failure IN ('invalid', 'record_gone')),
    crm_record_id    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'failed') = (failure IS NOT NULL)),
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);

-- The worker's claim: due pending entries, oldest first.
CREATE INDEX crm_outbox_due_idx ON crm_outbox (next_attempt_at, id) WHERE status = 'pending';
-- Per-deal order: an update waits for every earlier entry of its deal.
CREATE INDEX crm_outbox_deal_idx ON crm_outbox (deal_id, id);
CREATE INDEX crm_outbox_partner_idx ON crm_outbox (partner_id, id);
