-- The position of a match in its donation's stacking order (SPEC §3: priority, then poolId, as
-- they were when the donation was accepted). Priorities can change later, so the order of a
-- replayed or read donation cannot be recomputed: it is kept. Rows written before this column
-- read back in pool_id order (stack_order 0).
ALTER TABLE matches ADD COLUMN IF NOT EXISTS stack_order INTEGER NOT NULL DEFAULT 0;
