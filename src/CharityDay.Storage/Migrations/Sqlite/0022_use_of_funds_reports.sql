-- SPEC §6 "Use of funds". A report is filed by the campaign's writer under its fence, in the same
-- transaction as its ledger event (type "report", seq = that event's seq), and is never updated or
-- deleted: a correction is a new report. payload is the canonical JSON of what the manager sent, so a
-- retry with the same reportId is a replay exactly when it is equal.
CREATE TABLE IF NOT EXISTS reports (
    project_id    TEXT    NOT NULL,
    report_id     TEXT    NOT NULL,
    campaign_id   TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    spent         INTEGER NOT NULL,
    items         TEXT    NOT NULL,
    evidence_url  TEXT    NULL,
    filed_at      INTEGER NOT NULL,
    payload       TEXT    NOT NULL,
    PRIMARY KEY (project_id, report_id)
);
-- The public list, in filing order (seq is the campaign's event order, so it is the filing order).
CREATE INDEX IF NOT EXISTS reports_by_project_seq ON reports (project_id, seq);
-- The writer's rebuild: spent and count per project of the campaign.
CREATE INDEX IF NOT EXISTS reports_by_campaign ON reports (campaign_id);
