using Npgsql;
using NpgsqlTypes;

namespace CharityDay.Baselines;

/// <summary>
/// Baseline (1): PostgreSQL, one transaction per donation. Insert the donation (the primary key makes a
/// retry a replay), lock the campaign's pool rows with <c>SELECT … FOR UPDATE</c>, read the donor's usage of
/// today (a fresh statement after the lock, so it sees every earlier commit), decide, write the match, the
/// pool and the donor usage, commit. Nothing is batched across donations.
/// </summary>
internal sealed class PostgresStore(NpgsqlDataSource db) : IStore
{
    public async Task InitAsync()
    {
        await using var cmd = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bl_pools (
                pool_id text PRIMARY KEY, campaign_id text NOT NULL, budget bigint NOT NULL, matched bigint NOT NULL DEFAULT 0,
                ratio_bps int NOT NULL, per_donor_daily_cap bigint, priority int NOT NULL DEFAULT 0, paused boolean NOT NULL DEFAULT false);
            CREATE INDEX IF NOT EXISTS bl_pools_campaign ON bl_pools (campaign_id);
            CREATE TABLE IF NOT EXISTS bl_donations (
                partner_id text NOT NULL, donation_id text NOT NULL, campaign_id text NOT NULL, project_id text NOT NULL,
                donor_id text NOT NULL, amount bigint NOT NULL, accepted_at bigint NOT NULL, matched bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (partner_id, donation_id));
            CREATE INDEX IF NOT EXISTS bl_donations_campaign ON bl_donations (campaign_id);
            CREATE TABLE IF NOT EXISTS bl_matches (
                partner_id text NOT NULL, donation_id text NOT NULL, pool_id text NOT NULL, amount bigint NOT NULL, ratio_bps int NOT NULL,
                PRIMARY KEY (partner_id, donation_id, pool_id));
            CREATE TABLE IF NOT EXISTS bl_donor_days (
                pool_id text NOT NULL, partner_id text NOT NULL, donor_id text NOT NULL, day int NOT NULL,
                matched bigint NOT NULL, count int NOT NULL, PRIMARY KEY (pool_id, partner_id, donor_id, day));
            """);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task PutPoolAsync(string poolId, string campaignId, PoolIn pool)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO bl_pools (pool_id, campaign_id, budget, ratio_bps, per_donor_daily_cap, priority, paused) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (pool_id) DO UPDATE SET campaign_id = EXCLUDED.campaign_id, budget = EXCLUDED.budget, ratio_bps = EXCLUDED.ratio_bps,
                per_donor_daily_cap = EXCLUDED.per_donor_daily_cap, priority = EXCLUDED.priority, paused = EXCLUDED.paused
            """);
        cmd.Parameters.Add(new() { Value = poolId });
        cmd.Parameters.Add(new() { Value = campaignId });
        cmd.Parameters.Add(new() { Value = pool.Budget ?? 0 });
        cmd.Parameters.Add(new() { Value = pool.RatioBps ?? 10_000 });
        cmd.Parameters.Add(new() { Value = (object?)pool.PerDonorDailyCap ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = pool.Priority ?? 0 });
        cmd.Parameters.Add(new() { Value = pool.Paused ?? false });
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<PoolOut?> PatchPoolAsync(string poolId, PoolIn patch)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE bl_pools SET paused = COALESCE($2, paused), ratio_bps = COALESCE($3, ratio_bps), budget = budget + $4
            WHERE pool_id = $1 RETURNING pool_id, campaign_id, budget, matched, ratio_bps, per_donor_daily_cap, paused
            """);
        cmd.Parameters.Add(new() { Value = poolId });
        cmd.Parameters.Add(new() { Value = (object?)patch.Paused ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        cmd.Parameters.Add(new() { Value = (object?)patch.RatioBps ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = patch.BudgetDelta ?? 0 });
        return await ReadPoolAsync(cmd);
    }

    public async Task<PoolOut?> GetPoolAsync(string poolId)
    {
        await using var cmd = db.CreateCommand(
            "SELECT pool_id, campaign_id, budget, matched, ratio_bps, per_donor_daily_cap, paused FROM bl_pools WHERE pool_id = $1");
        cmd.Parameters.Add(new() { Value = poolId });
        return await ReadPoolAsync(cmd);
    }

    private static async Task<PoolOut?> ReadPoolAsync(NpgsqlCommand cmd)
    {
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync())
        {
            return null;
        }

        var budget = r.GetInt64(2);
        var matched = r.GetInt64(3);
        return new PoolOut(r.GetString(0), r.GetString(1), budget, matched, Math.Max(0, budget - matched), r.GetInt32(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), r.GetBoolean(6));
    }

    public async Task<CampaignOut> GetCampaignAsync(string campaignId)
    {
        await using var cmd = db.CreateCommand(
            "SELECT COALESCE(SUM(amount), 0)::bigint, COALESCE(SUM(matched), 0)::bigint, COUNT(*) FROM bl_donations WHERE campaign_id = $1");
        cmd.Parameters.Add(new() { Value = campaignId });
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new CampaignOut(campaignId, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    public async Task<DonateResult> DonateAsync(Donation d)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var acceptedMs = d.AcceptedAt.ToUnixTimeMilliseconds();

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO bl_donations (partner_id, donation_id, campaign_id, project_id, donor_id, amount, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            conn, tx))
        {
            insert.Parameters.Add(new() { Value = d.PartnerId });
            insert.Parameters.Add(new() { Value = d.DonationId });
            insert.Parameters.Add(new() { Value = d.CampaignId });
            insert.Parameters.Add(new() { Value = d.ProjectId });
            insert.Parameters.Add(new() { Value = d.DonorId });
            insert.Parameters.Add(new() { Value = d.Amount });
            insert.Parameters.Add(new() { Value = acceptedMs });
            if (await insert.ExecuteNonQueryAsync() == 0)
            {
                await tx.RollbackAsync();
                return Replay(d, await GetDonationAsync(d.PartnerId, d.DonationId));
            }
        }

        var pools = new List<(string Id, long Budget, long Matched, int Ratio, long? Cap, bool Paused)>();
        await using (var lockPools = new NpgsqlCommand(
            "SELECT pool_id, budget, matched, ratio_bps, per_donor_daily_cap, paused FROM bl_pools WHERE campaign_id = $1 ORDER BY priority, pool_id FOR UPDATE",
            conn, tx))
        {
            lockPools.Parameters.Add(new() { Value = d.CampaignId });
            await using var r = await lockPools.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                pools.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.GetBoolean(5)));
            }
        }

        var matches = new List<MatchOut>();
        if (pools.Count > 0)
        {
            var usage = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var donor = new NpgsqlCommand(
                "SELECT pool_id, matched FROM bl_donor_days WHERE partner_id = $1 AND donor_id = $2 AND day = $3 AND pool_id = ANY($4)", conn, tx))
            {
                donor.Parameters.Add(new() { Value = d.PartnerId });
                donor.Parameters.Add(new() { Value = d.DonorId });
                donor.Parameters.Add(new() { Value = d.LocalDay });
                donor.Parameters.Add(new() { Value = pools.Select(p => p.Id).ToArray() });
                await using var r = await donor.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    usage[r.GetString(0)] = r.GetInt64(1);
                }
            }

            await using var writes = new NpgsqlBatch(conn, tx);
            long total = 0;
            foreach (var p in pools)
            {
                var m = Matching.Match(d.Amount, p.Ratio, p.Paused, p.Budget, p.Matched, p.Cap, usage.GetValueOrDefault(p.Id));
                if (m <= 0)
                {
                    continue;
                }

                total += m;
                matches.Add(new MatchOut(p.Id, m, p.Ratio));
                writes.BatchCommands.Add(Command("UPDATE bl_pools SET matched = matched + $1 WHERE pool_id = $2", m, p.Id));
                writes.BatchCommands.Add(Command("""
                    INSERT INTO bl_donor_days (pool_id, partner_id, donor_id, day, matched, count) VALUES ($1, $2, $3, $4, $5, 1)
                    ON CONFLICT (pool_id, partner_id, donor_id, day) DO UPDATE SET matched = bl_donor_days.matched + EXCLUDED.matched, count = bl_donor_days.count + 1
                    """, p.Id, d.PartnerId, d.DonorId, d.LocalDay, m));
                writes.BatchCommands.Add(Command(
                    "INSERT INTO bl_matches (partner_id, donation_id, pool_id, amount, ratio_bps) VALUES ($1, $2, $3, $4, $5)",
                    d.PartnerId, d.DonationId, p.Id, m, p.Ratio));
            }

            if (total > 0)
            {
                writes.BatchCommands.Add(Command("UPDATE bl_donations SET matched = $1 WHERE partner_id = $2 AND donation_id = $3", total, d.PartnerId, d.DonationId));
                await writes.ExecuteNonQueryAsync();
            }
        }

        await tx.CommitAsync();
        return new DonateResult(DonateKind.Created, Out(d, matches, replayed: false));
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var c = new NpgsqlBatchCommand(sql);
        foreach (var v in values)
        {
            c.Parameters.Add(new() { Value = v });
        }

        return c;
    }

    public async Task<DonationOut?> GetDonationAsync(string partnerId, string donationId)
    {
        await using var conn = await db.OpenConnectionAsync();
        Donation? d = null;
        await using (var cmd = new NpgsqlCommand(
            "SELECT campaign_id, project_id, donor_id, amount, accepted_at FROM bl_donations WHERE partner_id = $1 AND donation_id = $2", conn))
        {
            cmd.Parameters.Add(new() { Value = partnerId });
            cmd.Parameters.Add(new() { Value = donationId });
            await using var r = await cmd.ExecuteReaderAsync();
            if (await r.ReadAsync())
            {
                d = new Donation(partnerId, donationId, r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)));
            }
        }

        if (d is null)
        {
            return null;
        }

        var matches = new List<MatchOut>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT pool_id, amount, ratio_bps FROM bl_matches WHERE partner_id = $1 AND donation_id = $2 ORDER BY pool_id", conn))
        {
            cmd.Parameters.Add(new() { Value = partnerId });
            cmd.Parameters.Add(new() { Value = donationId });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                matches.Add(new MatchOut(r.GetString(0), r.GetInt64(1), r.GetInt32(2)));
            }
        }

        return Out(d, matches, replayed: false);
    }

    internal static DonateResult Replay(Donation posted, DonationOut? stored) =>
        stored is null ? new DonateResult(DonateKind.Conflict, null)
        : stored.ProjectId == posted.ProjectId && stored.DonorId == posted.DonorId && stored.Amount == posted.Amount
            ? new DonateResult(DonateKind.Replayed, stored with { Replayed = true })
            : new DonateResult(DonateKind.Conflict, null);

    internal static DonationOut Out(Donation d, IReadOnlyList<MatchOut> matches, bool replayed) =>
        new(d.DonationId, d.PartnerId, d.ProjectId, d.CampaignId, d.DonorId, d.Amount, "accepted", d.AcceptedAt, matches, matches.Sum(m => m.Amount), replayed);
}
