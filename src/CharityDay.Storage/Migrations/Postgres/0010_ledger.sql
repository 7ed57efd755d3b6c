-- The ledger: donation and match rows appended together; (partner_id, donation_id) is unique.
-- Times are Unix milliseconds; local_day is the campaign-local calendar day as a day number.
CREATE TABLE IF NOT EXISTS donations (
    partner_id   TEXT    NOT NULL,
    donation_id  TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    project_id   TEXT    NOT NULL,
    donor_id     TEXT    NOT NULL,
    amount       BIGINT  NOT NULL CHECK (amount > 0),
    currency     TEXT    NOT NULL,
    occurred_at  BIGINT  NULL,
    team_id      TEXT    NULL,
    channel      TEXT    NULL,
    accepted_at  BIGINT  NOT NULL,
    local_day    INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    refunded_at  BIGINT  NULL,
    PRIMARY KEY (partner_id, donation_id)
);
CREATE INDEX IF NOT EXISTS donations_by_campaign ON donations (campaign_id, accepted_at);

CREATE TABLE IF NOT EXISTS matches (
    partner_id   TEXT    NOT NULL,
    donation_id  TEXT    NOT NULL,
    pool_id      TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    project_id   TEXT    NOT NULL,
    donor_id     TEXT    NOT NULL,
    local_day    INTEGER NOT NULL,
    amount       BIGINT  NOT NULL CHECK (amount > 0),
    ratio_bps    INTEGER NOT NULL,
    reversed_at  BIGINT  NULL,
    reversal     TEXT    NULL,
    PRIMARY KEY (partner_id, donation_id, pool_id)
);
CREATE INDEX IF NOT EXISTS matches_by_campaign ON matches (campaign_id, pool_id);
CREATE INDEX IF NOT EXISTS matches_by_pool_donor ON matches (pool_id, donor_id);

CREATE TABLE IF NOT EXISTS clawbacks (
    pool_id      TEXT    NOT NULL,
    donor_id     TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    at           BIGINT  NOT NULL,
    PRIMARY KEY (pool_id, donor_id)
);

CREATE TABLE IF NOT EXISTS audit (
    id           BIGSERIAL PRIMARY KEY,
    at           BIGINT  NOT NULL,
    key_id       TEXT    NOT NULL,
    campaign_id  TEXT    NULL,
    action       TEXT    NOT NULL,
    entity_type  TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    before_json  TEXT    NULL,
    after_json   TEXT    NULL
);
CREATE INDEX IF NOT EXISTS audit_by_campaign ON audit (campaign_id, id);
