-- Indexes for the own-records scopes: a rep's deals and leads are found by partner and owner
-- together. Without them the planner may walk the primary key and discard most rows (seen in
-- the benchmark with skewed statistics).
CREATE INDEX deals_partner_owner_idx ON deals (partner_id, owner_id, id);
CREATE INDEX leads_partner_assignee_idx ON leads (assigned_partner_id, assigned_user_id, id);
CREATE INDEX enrollments_partner_user_idx ON enrollments (partner_id, user_id, id);
CREATE INDEX certifications_partner_user_idx ON certifications (partner_id, user_id, id);
