-- SPEC §4: a clawback may flag one platform's donor only (partner_id), or the donor id on every
-- platform (partner_id ''). The primary key gains the partner; SQLite rebuilds the table for it.
CREATE TABLE clawbacks_scoped (
    pool_id      TEXT    NOT NULL,
    donor_id     TEXT    NOT NULL,
    partner_id   TEXT    NOT NULL DEFAULT '',
    campaign_id  TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (pool_id, donor_id, partner_id)
);
INSERT INTO clawbacks_scoped (pool_id, donor_id, partner_id, campaign_id, reason, key_id, at)
SELECT pool_id, donor_id, '', campaign_id, reason, key_id, at FROM clawbacks;
DROP TABLE clawbacks;
ALTER TABLE clawbacks_scoped RENAME TO clawbacks;
