-- SPEC §6 daily exports: one campaign-local day of one campaign in acceptance order, read off an index
-- (no sort, no scan of the other days). The stored local_day is the day the donation was matched on,
-- so the export agrees with the pools' "today" even if the campaign's time zone changed since.
-- The cost: one more index entry per donation written.
CREATE INDEX IF NOT EXISTS donations_by_campaign_day ON donations (campaign_id, local_day, accepted_at);

-- SPEC §6 disclosure: refunded money per project. A partial index holds refunded rows only: written by
-- a refund (rare), never by an acceptance, and read without touching the accepted rows.
CREATE INDEX IF NOT EXISTS donations_refunded_by_campaign ON donations (campaign_id, project_id) WHERE status = 'refunded';
