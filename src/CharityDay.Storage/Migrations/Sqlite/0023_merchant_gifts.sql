-- SPEC §7 merchant gifts. A merchant gift is a donation row whose donor_id is its merchant's donor
-- string ('merchant/' + merchantId: no person's id holds a '/', so caps, the velocity rule and
-- clawbacks count the merchant as one donor, apart from any person) with the orders it covers.
-- The merchant board and projects' merchantRaised / merchantOrders are rebuilt from these rows.
ALTER TABLE donations ADD COLUMN order_count INTEGER NULL;
CREATE INDEX IF NOT EXISTS donations_merchant_gifts ON donations (campaign_id) WHERE order_count IS NOT NULL;
