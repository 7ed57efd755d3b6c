-- SPEC §4: a clawback may flag one platform's donor only (partner_id), or the donor id on every
-- platform (partner_id '').
ALTER TABLE clawbacks ADD COLUMN IF NOT EXISTS partner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE clawbacks DROP CONSTRAINT IF EXISTS clawbacks_pkey;
ALTER TABLE clawbacks ADD PRIMARY KEY (pool_id, donor_id, partner_id);
