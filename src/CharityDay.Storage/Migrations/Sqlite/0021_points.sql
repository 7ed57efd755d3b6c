-- SPEC §7 points gifts. A points gift is a donation row with the points it used (points), the points
-- the donor offered (points_offered: what a replay's payload is compared with) and its loyalty
-- programme; its one match row is its conversion pool's payment of its own amount, so the pool's
-- sums, refunds and budget work as for a match. pointsDonated is rebuilt from these rows.
ALTER TABLE donations ADD COLUMN points INTEGER NULL;
ALTER TABLE donations ADD COLUMN points_offered INTEGER NULL;
ALTER TABLE donations ADD COLUMN points_program TEXT NULL;
CREATE INDEX IF NOT EXISTS donations_points_gifts ON donations (campaign_id) WHERE points_program IS NOT NULL;
