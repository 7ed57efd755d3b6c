-- SPEC §7 monthly pledges. A charge is a donation row with pledge_id and its campaign-local month
-- (year × 12 + month − 1); the unique index makes "one charge per pledge per month" hold in the
-- ledger itself, under the campaign grain's own check.
ALTER TABLE donations ADD COLUMN IF NOT EXISTS pledge_id TEXT NULL;
ALTER TABLE donations ADD COLUMN IF NOT EXISTS pledge_month INTEGER NULL;
CREATE UNIQUE INDEX IF NOT EXISTS donations_one_charge_per_pledge_month ON donations (partner_id, pledge_id, pledge_month) WHERE pledge_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS donations_by_pledge ON donations (campaign_id) WHERE pledge_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS pledges (
    partner_id    TEXT    NOT NULL,
    pledge_id     TEXT    NOT NULL,
    campaign_id   TEXT    NOT NULL,
    project_id    TEXT    NOT NULL,
    donor_id      TEXT    NOT NULL,
    amount        BIGINT    NOT NULL CHECK (amount > 0),
    day_of_month  INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    created_at    BIGINT    NOT NULL,
    cancelled_at  BIGINT    NULL,
    PRIMARY KEY (partner_id, pledge_id)
);
CREATE INDEX IF NOT EXISTS pledges_by_campaign ON pledges (campaign_id);
