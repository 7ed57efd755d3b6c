using System.Data.Common;
using CharityDay.Domain;
using CharityDay.Domain.Writing;
using Npgsql;
using NpgsqlTypes;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// The production profile's ledger on PostgreSQL, shared by every silo. A batch travels as column
/// arrays: one statement per table whatever the batch's size, so a commit costs a few round trips
/// instead of one per row, and the planner sees one short statement instead of thousands of parameters.
/// <para>
/// Every connection comes from <paramref name="dataSource"/>: a plain <see cref="NpgsqlDataSource"/> for
/// the maintenance verbs, the host's recovering pool (which never hands out a connection a database
/// restart killed) in a silo.
/// </para>
/// </summary>
public sealed class PostgresLedgerStore(DbDataSource dataSource) : SqlLedgerStore
{
    public override string Dialect => "postgres";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(ct);

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override string LockReadRows => " FOR UPDATE";

    protected override string OrdinalCollation => " COLLATE \"C\"";

    /// <summary>One statement for the batch's missing donors: their keys travel as arrays and meet the (pool_id, donor_id) index.</summary>
    public override async Task<IReadOnlyList<DonorDayRow>> LoadDonorDaysAsync(string campaignId, DonorLoad load, CancellationToken ct = default)
    {
        var rows = new List<DonorDayRow>();
        if (load.Donors.Count == 0 || load.PoolIds.Count == 0)
        {
            return rows;
        }
        await using var connection = (NpgsqlConnection)await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT m.pool_id, m.partner_id, m.donor_id, SUM(m.amount)::bigint, COUNT(*) " +
            "FROM unnest($1::text[], $2::text[]) AS k(p, d) CROSS JOIN unnest($3::text[]) AS pools(id) " +
            "JOIN matches m ON m.pool_id = pools.id AND m.donor_id = k.d AND m.partner_id = k.p " +
            "WHERE m.local_day = $4 AND m.reversed_at IS NULL GROUP BY m.pool_id, m.partner_id, m.donor_id", connection);
        AddArray(command, NpgsqlDbType.Text, load.Donors.Select(d => d.PartnerId));
        AddArray(command, NpgsqlDbType.Text, load.Donors.Select(d => d.DonorId));
        AddArray(command, NpgsqlDbType.Text, load.PoolIds);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = load.Day.DayNumber });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DonorDayRow(reader.GetString(0), new DonorKey(reader.GetString(1), reader.GetString(2)), reader.GetInt64(3), (int)reader.GetInt64(4)));
        }
        return rows;
    }

    protected override async Task InsertAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LedgerDonation> donations, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using (var command = new NpgsqlCommand(
            "INSERT INTO donations (partner_id, donation_id, campaign_id, project_id, donor_id, amount, currency, occurred_at, team_id, channel, accepted_at, local_day, status, pledge_id, pledge_month, points, points_offered, points_program, order_count) " +
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bigint[], $12::int[], $13::text[], $14::text[], $15::int[], $16::bigint[], $17::bigint[], $18::text[], $19::int[])",
            npgsql, (NpgsqlTransaction)tx))
        {
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.PartnerId));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.DonationId));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.CampaignId));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.ProjectId));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.DonorId));
            AddArray(command, NpgsqlDbType.Bigint, donations.Select(d => d.AmountFen));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.Currency));
            AddArray(command, NpgsqlDbType.Bigint, donations.Select(d => d.OccurredAt?.ToUnixTimeMilliseconds()));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.TeamId));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.Channel));
            AddArray(command, NpgsqlDbType.Bigint, donations.Select(d => d.AcceptedAt.ToUnixTimeMilliseconds()));
            AddArray(command, NpgsqlDbType.Integer, donations.Select(d => d.LocalDay.DayNumber));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.Status));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.PledgeId));
            AddArray(command, NpgsqlDbType.Integer, donations.Select(d => d.PledgeId is null ? null : (int?)PledgeMonth(d.LocalDay)));
            AddArray(command, NpgsqlDbType.Bigint, donations.Select(d => d.Points));
            AddArray(command, NpgsqlDbType.Bigint, donations.Select(d => d.PointsOffered));
            AddArray(command, NpgsqlDbType.Text, donations.Select(d => d.PointsProgram));
            AddArray(command, NpgsqlDbType.Integer, donations.Select(d => d.OrderCount));
            await command.ExecuteNonQueryAsync(ct);
        }
        var matches = donations.SelectMany(d => d.Matches.Select((m, order) => (Donation: d, Match: m, Order: order))).ToList();
        if (matches.Count == 0)
        {
            return;
        }
        await using (var command = new NpgsqlCommand(
            "INSERT INTO matches (partner_id, donation_id, pool_id, campaign_id, project_id, donor_id, local_day, amount, ratio_bps, stack_order) " +
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::int[], $10::int[])",
            npgsql, (NpgsqlTransaction)tx))
        {
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Donation.PartnerId));
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Donation.DonationId));
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Match.PoolId));
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Donation.CampaignId));
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Donation.ProjectId));
            AddArray(command, NpgsqlDbType.Text, matches.Select(x => x.Donation.DonorId));
            AddArray(command, NpgsqlDbType.Integer, matches.Select(x => x.Donation.LocalDay.DayNumber));
            AddArray(command, NpgsqlDbType.Bigint, matches.Select(x => x.Match.AmountFen));
            AddArray(command, NpgsqlDbType.Integer, matches.Select(x => x.Match.RatioBps));
            AddArray(command, NpgsqlDbType.Integer, matches.Select(x => x.Order));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// One statement per batch: the keys travel as two text arrays and meet the primary key in a nested
    /// loop (a row-value IN list of hundreds of pairs spent most of its time planning — measured).
    /// </summary>
    public override async Task<IReadOnlyDictionary<DonationKey, LedgerDonation>> FindAsync(IReadOnlyCollection<DonationKey> keys, CancellationToken ct = default)
    {
        var found = new Dictionary<DonationKey, LedgerDonation>();
        if (keys.Count == 0)
        {
            return found;
        }
        var distinct = keys.Distinct().ToArray();
        await using var connection = (NpgsqlConnection)await dataSource.OpenConnectionAsync(ct);
        var rows = new List<LedgerDonation>();
        await using (var command = new NpgsqlCommand(
            "SELECT d.partner_id, d.donation_id, d.campaign_id, d.project_id, d.donor_id, d.amount, d.currency, d.occurred_at, d.team_id, d.channel, " +
            "d.accepted_at, d.local_day, d.status, d.refunded_at, d.pledge_id, d.points, d.points_offered, d.points_program, d.order_count FROM unnest($1::text[], $2::text[]) AS k(p, i) " +
            "JOIN donations d ON d.partner_id = k.p AND d.donation_id = k.i", connection))
        {
            AddArray(command, NpgsqlDbType.Text, distinct.Select(k => k.PartnerId));
            AddArray(command, NpgsqlDbType.Text, distinct.Select(k => k.DonationId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new LedgerDonation(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.GetString(6), ReadTime(reader, 7), ReadString(reader, 8), ReadString(reader, 9),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)), DateOnly.FromDayNumber(reader.GetInt32(11)),
                    reader.GetString(12), ReadTime(reader, 13), [], ReadString(reader, 14),
                    ReadLong(reader, 15), ReadLong(reader, 16), ReadString(reader, 17), ReadInt(reader, 18)));
            }
        }
        if (rows.Count == 0)
        {
            return found;
        }
        var matches = new Dictionary<DonationKey, List<LedgerMatch>>();
        await using (var command = new NpgsqlCommand(
            "SELECT m.partner_id, m.donation_id, m.pool_id, m.amount, m.ratio_bps, m.reversed_at, m.reversal FROM unnest($1::text[], $2::text[]) AS k(p, i) " +
            "JOIN matches m ON m.partner_id = k.p AND m.donation_id = k.i ORDER BY m.stack_order, m.pool_id", connection))
        {
            AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.PartnerId));
            AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.DonationId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = new DonationKey(reader.GetString(0), reader.GetString(1));
                if (!matches.TryGetValue(key, out var list))
                {
                    matches[key] = list = [];
                }
                list.Add(new LedgerMatch(reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4), ReadTime(reader, 5), ReadString(reader, 6)));
            }
        }
        foreach (var row in rows)
        {
            found[row.Key] = row with { Matches = matches.GetValueOrDefault(row.Key) ?? [] };
        }
        return found;
    }

    /// <summary>A batch's events as column arrays: one statement whatever the batch's size.</summary>
    protected override async Task WriteEventRowsAsync(DbConnection connection, DbTransaction tx, string campaignId, IReadOnlyList<Domain.Transparency.LedgerEvent> events, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO ledger_events (campaign_id, seq, type, receipt_key, body) " +
            "SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[])",
            (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = campaignId });
        AddArray(command, NpgsqlDbType.Bigint, events.Select(e => e.Seq));
        AddArray(command, NpgsqlDbType.Text, events.Select(e => e.Type));
        AddArray(command, NpgsqlDbType.Text, events.Select(e => e.ReceiptKey));
        AddArray(command, NpgsqlDbType.Text, events.Select(e => e.Json));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddArray<T>(NpgsqlCommand command, NpgsqlDbType elementType, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values.ToArray() });
}
