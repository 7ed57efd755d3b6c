-- Only the restore's GROUP BY over a campaign's matches used this index; the restore now reads the
-- durable sums (0013) and joins the few tail rows by primary key, and the verification that still
-- groups all rows (verify-sums) runs off-peak. Every batch paid for it: one more B-tree insert per match.
DROP INDEX IF EXISTS matches_by_campaign;
