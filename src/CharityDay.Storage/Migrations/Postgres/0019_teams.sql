-- SPEC §7 teams: a partner names its teams (partner_id, team_id) in one campaign; a donation's
-- team_id counts on the team board whether or not the team was named. Team totals are rebuilt
-- from the team donations' rows (the partial index keeps that read to team gifts only).
CREATE TABLE IF NOT EXISTS teams (
    partner_id   TEXT    NOT NULL,
    team_id      TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    goal         BIGINT    NULL,
    kind         TEXT    NOT NULL,
    updated_at   BIGINT    NOT NULL,
    PRIMARY KEY (partner_id, team_id)
);
CREATE INDEX IF NOT EXISTS teams_by_campaign ON teams (campaign_id);
CREATE INDEX IF NOT EXISTS donations_by_team ON donations (campaign_id, partner_id, team_id) WHERE team_id IS NOT NULL;
