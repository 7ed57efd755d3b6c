-- Admin settings live in the ledger's database (SPEC §4 "Safe administration"): a change, its audit
-- entry and its Idempotency-Key answer commit in one transaction. The campaign's activation writes
-- its campaign, projects and pools under its writer fence; partners and keys are written by theirs.
CREATE TABLE IF NOT EXISTS admin_settings (
    kind         TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    campaign_id  TEXT    NULL,
    settings     TEXT    NOT NULL,
    etag         TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS admin_settings_by_campaign ON admin_settings (campaign_id, kind, id);

-- The tamper-evident audit log: one hash chain in commit order. audit_head is its one writable row,
-- locked by every admin transaction, so entries are numbered and chained in the order they commit.
-- The older, unchained table "audit" is kept as it was and no longer written.
CREATE TABLE IF NOT EXISTS audit_log (
    seq          INTEGER NOT NULL PRIMARY KEY,
    at           TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    campaign_id  TEXT    NULL,
    before_json  TEXT    NULL,
    after_json   TEXT    NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_campaign ON audit_log (campaign_id, seq);

CREATE TABLE IF NOT EXISTS audit_head (
    id    INTEGER NOT NULL PRIMARY KEY,
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (id) DO NOTHING;

-- The first answer to an admin write sent with an Idempotency-Key, per calling key.
CREATE TABLE IF NOT EXISTS idempotency (
    caller        TEXT    NOT NULL,
    idem_key      TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    etag          TEXT    NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);

-- When each key was last used (SPEC §4 key listing), written at most about once a minute per key.
CREATE TABLE IF NOT EXISTS key_usage (
    key_id        TEXT    NOT NULL PRIMARY KEY,
    last_used_at  INTEGER NOT NULL
);
