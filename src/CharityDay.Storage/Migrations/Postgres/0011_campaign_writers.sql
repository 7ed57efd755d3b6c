-- One row per campaign: the epoch of the activation allowed to write its ledger rows. A new
-- activation bumps it; an older one still running elsewhere is fenced out on its next write.
CREATE TABLE IF NOT EXISTS campaign_writers (
    campaign_id  TEXT    NOT NULL PRIMARY KEY,
    epoch        BIGINT  NOT NULL
);
