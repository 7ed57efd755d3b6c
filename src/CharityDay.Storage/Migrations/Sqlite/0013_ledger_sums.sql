-- The ledger's sums a campaign's write path restores from: kept durable as they change, in the
-- same transaction as the donations, refunds and clawbacks that change them, so that restoring a
-- campaign reads O(pools × projects + pools × days) rows, never its donations. They are derived
-- data: `CharityDay.Host verify-sums` recomputes them from the donation and match rows.
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

-- A ledger written before this migration gets its sums once, here.
INSERT INTO project_partner_sums (campaign_id, project_id, partner_id, raised, donations)
SELECT campaign_id, project_id, partner_id, SUM(amount), COUNT(*) FROM donations WHERE status = 'accepted'
GROUP BY campaign_id, project_id, partner_id;

INSERT INTO pool_project_sums (campaign_id, pool_id, project_id, matched, matches)
SELECT campaign_id, pool_id, project_id, SUM(amount), COUNT(*) FROM matches WHERE reversed_at IS NULL
GROUP BY campaign_id, pool_id, project_id;

INSERT INTO pool_day_sums (campaign_id, pool_id, local_day, matched)
SELECT campaign_id, pool_id, local_day, SUM(amount) FROM matches WHERE reversed_at IS NULL
GROUP BY campaign_id, pool_id, local_day;
