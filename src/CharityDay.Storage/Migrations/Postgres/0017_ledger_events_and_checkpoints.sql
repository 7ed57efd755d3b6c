-- SPEC §6 "Verifiable ledger". Every ledger event of a campaign (a donation accepted, refunded, a
-- clawback; later a use-of-funds report) gets the next seq of its campaign and is stored as its
-- RFC 8785 canonical JSON, in the same transaction as the rows it describes. Rows are never updated.
CREATE TABLE IF NOT EXISTS ledger_events (
    campaign_id  TEXT    NOT NULL,
    seq          BIGINT  NOT NULL,
    type         TEXT    NOT NULL,
    receipt_key  TEXT    NULL,
    body         TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);
-- A receipt is asked for by its subject (a partner's donation id): one event per subject.
CREATE UNIQUE INDEX IF NOT EXISTS ledger_events_by_receipt ON ledger_events (receipt_key) WHERE receipt_key IS NOT NULL;

-- The checkpoints: one row per sealed Merkle tree, inserted once, never updated. (campaign_id, seq)
-- is unique, so two sealers racing for the same checkpoint cannot both write one.
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
    campaign_id  TEXT    NOT NULL,
    seq          BIGINT  NOT NULL,
    first_event  BIGINT  NOT NULL,
    last_event   BIGINT  NOT NULL,
    event_count  BIGINT  NOT NULL,
    root         TEXT    NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    sealed_at    BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS ledger_checkpoints_by_last_event ON ledger_checkpoints (campaign_id, last_event);
