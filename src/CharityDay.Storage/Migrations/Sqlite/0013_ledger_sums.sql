-- The ledger's sums a campaign's write path restores from, so that restoring a campaign reads
-- O(pools × projects + pools × days) rows plus the last second or so of donations, never all of
-- them. The sums cover the donations accepted up to the campaign's mark (campaign_sums_marks):
-- the write path moves the mark forward about once a second, in the same transaction as a batch,
-- adding the rows in between with one aggregate statement per table; a refund or clawback of a
-- donation up to the mark changes the sums in its own transaction. A restore adds the rows after
-- the mark (the tail) to the sums. They are derived data: `CharityDay.Host verify-sums`
-- recomputes them from the donation and match rows.
CREATE TABLE IF NOT EXISTS campaign_sums_marks (
    campaign_id          TEXT    NOT NULL PRIMARY KEY,
    through_accepted_at  INTEGER  NOT NULL
);

CREATE TABLE IF NOT EXISTS project_partner_sums (
    campaign_id  TEXT    NOT NULL,
    project_id   TEXT    NOT NULL,
    partner_id   TEXT    NOT NULL,
    raised       INTEGER  NOT NULL,
    donations    INTEGER  NOT NULL,
    PRIMARY KEY (campaign_id, project_id, partner_id)
);

CREATE TABLE IF NOT EXISTS pool_project_sums (
    campaign_id  TEXT    NOT NULL,
    pool_id      TEXT    NOT NULL,
    project_id   TEXT    NOT NULL,
    matched      INTEGER  NOT NULL,
    matches      INTEGER  NOT NULL,
    PRIMARY KEY (campaign_id, pool_id, project_id)
);

CREATE TABLE IF NOT EXISTS pool_day_sums (
    campaign_id  TEXT    NOT NULL,
    pool_id      TEXT    NOT NULL,
    local_day    INTEGER NOT NULL,
    matched      INTEGER  NOT NULL,
    PRIMARY KEY (campaign_id, pool_id, local_day)
);

-- A ledger written before this migration gets its sums once, here, marked through its last donation.
INSERT INTO campaign_sums_marks (campaign_id, through_accepted_at)
SELECT campaign_id, MAX(accepted_at) FROM donations GROUP BY campaign_id;

INSERT INTO project_partner_sums (campaign_id, project_id, partner_id, raised, donations)
SELECT campaign_id, project_id, partner_id, SUM(amount), COUNT(*) FROM donations WHERE status = 'accepted'
GROUP BY campaign_id, project_id, partner_id;

INSERT INTO pool_project_sums (campaign_id, pool_id, project_id, matched, matches)
SELECT campaign_id, pool_id, project_id, SUM(amount), COUNT(*) FROM matches WHERE reversed_at IS NULL
GROUP BY campaign_id, pool_id, project_id;

INSERT INTO pool_day_sums (campaign_id, pool_id, local_day, matched)
SELECT campaign_id, pool_id, local_day, SUM(amount) FROM matches WHERE reversed_at IS NULL
GROUP BY campaign_id, pool_id, local_day;
