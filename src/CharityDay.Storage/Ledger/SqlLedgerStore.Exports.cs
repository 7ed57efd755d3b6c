using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using CharityDay.Domain.Transparency;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// SPEC §6 reads: the daily export, its summary, a pool's statement and a campaign's disclosure
/// figures. Each opens a connection of its own and never takes the write gate
/// (<see cref="EnterWriteAsync"/>): on SQLite (WAL) a reader does not block the writer, on
/// PostgreSQL (MVCC) it does not block a commit; one statement is one consistent snapshot.
/// </summary>
public abstract partial class SqlLedgerStore : ILedgerReads
{
    /// <summary>
    /// An export is one statement read for as long as the client takes to download it. On PostgreSQL
    /// the timeout bounds each wait for the next rows, not the whole read; SQLite only waits on locks,
    /// which a WAL reader does not take. Either way a stalled database fails the export, never hangs it.
    /// </summary>
    public const int ExportCommandTimeoutSeconds = 60;

    // The export's rows, defined once: the export streams them and the summary sums them, so the two
    // cannot disagree on which rows there are or what each one counts. The day is the one stamped at
    // acceptance (local_day), the index donations_by_campaign_day (migration 18) serves the WHERE and
    // the ORDER BY's leading column. matched_total is the live part of the matches, as a donation read
    // shows it (0 once refunded, less after a clawback). A points gift (SPEC §7) shows no matches, as its
    // read does: its one match row is its conversion pool paying its own amount.
    private const string ExportRowsFrom =
        "FROM donations d WHERE d.campaign_id = @c AND d.local_day = @day AND (@p IS NULL OR d.partner_id = @p)";

    private const string MatchedTotalSql =
        "(SELECT COALESCE(CAST(SUM(m.amount) AS BIGINT), 0) FROM matches m " +
        "WHERE m.partner_id = d.partner_id AND m.donation_id = d.donation_id AND m.reversed_at IS NULL AND d.points_program IS NULL)";

    // Matches as accepted, in stacking order. string_agg with ORDER BY: PostgreSQL, and SQLite ≥ 3.44.
    private const string MatchesAsAcceptedSql =
        "(SELECT string_agg(m.pool_id || ':' || CAST(m.amount AS TEXT), ';' ORDER BY m.stack_order, m.pool_id) FROM matches m " +
        "WHERE m.partner_id = d.partner_id AND m.donation_id = d.donation_id AND d.points_program IS NULL)";

    /// <summary>Makes a text comparison byte-wise (ordinal) where the database's default collation is not (PostgreSQL).</summary>
    protected virtual string OrdinalCollation => "";

    // Acceptance order: acceptance times never go back (the write path stamps them so); donations of one
    // millisecond are ordered by their key, byte-wise, the same way on every read and on both databases.
    private string ExportSql =>
        "SELECT d.partner_id, d.donation_id, d.project_id, d.donor_id, d.team_id, d.amount, d.status, d.accepted_at, d.refunded_at, " +
        MatchedTotalSql + ", " + MatchesAsAcceptedSql + ", d.order_count " + ExportRowsFrom +
        $" ORDER BY d.accepted_at, d.partner_id{OrdinalCollation}, d.donation_id{OrdinalCollation}";

    private const string SummarySql =
        "SELECT r.partner_id, COUNT(*), " +
        "CAST(COALESCE(SUM(CASE WHEN r.status = 'accepted' THEN r.amount ELSE 0 END), 0) AS BIGINT), " +
        "CAST(COALESCE(SUM(CASE WHEN r.status = 'refunded' THEN r.amount ELSE 0 END), 0) AS BIGINT), " +
        "CAST(COALESCE(SUM(CASE WHEN r.status = 'accepted' THEN r.matched_total ELSE 0 END), 0) AS BIGINT) " +
        "FROM (SELECT d.partner_id, d.amount, d.status, " + MatchedTotalSql + " AS matched_total " + ExportRowsFrom + ") r " +
        "GROUP BY r.partner_id ORDER BY r.partner_id";

    public async IAsyncEnumerable<ExportRow> ExportDonationsAsync(string campaignId, DateOnly day, string? partnerId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = ExportCommand(connection, ExportSql, campaignId, day, partnerId);
        // SequentialAccess: columns are read in order and the row is not kept whole by the provider.
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ExportRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), ReadString(reader, 4),
                reader.GetInt64(5), reader.GetString(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)), ReadTime(reader, 8),
                reader.GetInt64(9), ReadString(reader, 10) ?? "", ReadInt(reader, 11));
        }
    }

    public async Task<IReadOnlyList<ExportSums>> SummarizeDonationsAsync(string campaignId, DateOnly day, string? partnerId, CancellationToken ct = default)
    {
        var sums = new List<ExportSums>();
        await using var connection = await OpenAsync(ct);
        await using var command = ExportCommand(connection, SummarySql, campaignId, day, partnerId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            sums.Add(new ExportSums(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return sums;
    }

    private static DbCommand ExportCommand(DbConnection connection, string sql, string campaignId, DateOnly day, string? partnerId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = ExportCommandTimeoutSeconds;
        AddParameter(command, "@c", campaignId);
        AddParameter(command, "@day", day.DayNumber);
        AddParameter(command, "@p", partnerId);
        return command;
    }

    public async Task<PoolMatchLedger> PoolMatchesAsync(string poolId, CancellationToken ct = default)
    {
        var matched = new List<(string, DateOnly, long)>();
        var reversed = new List<(string, long, long)>();
        await using var connection = await OpenAsync(ct);
        // One snapshot for both statements: a refund committed between them would otherwise be counted
        // as reversed without its match, and the rows would not sum to the pool's matched.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ReadPoolAsync(connection, tx,
            "SELECT project_id, local_day, CAST(SUM(amount) AS BIGINT) FROM matches WHERE pool_id = @pool GROUP BY project_id, local_day",
            poolId, r => matched.Add((r.GetString(0), DateOnly.FromDayNumber(r.GetInt32(1)), r.GetInt64(2))), ct);
        await ReadPoolAsync(connection, tx,
            $"SELECT project_id, reversed_at / {PoolStatement.BucketMs}, CAST(SUM(amount) AS BIGINT) FROM matches " +
            $"WHERE pool_id = @pool AND reversed_at IS NOT NULL GROUP BY project_id, reversed_at / {PoolStatement.BucketMs}",
            poolId, r => reversed.Add((r.GetString(0), r.GetInt64(1) * PoolStatement.BucketMs, r.GetInt64(2))), ct);
        await tx.CommitAsync(ct);
        return new PoolMatchLedger(matched, reversed);
    }

    private static async Task ReadPoolAsync(DbConnection connection, DbTransaction tx, string sql, string poolId, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = ExportCommandTimeoutSeconds;
        AddParameter(command, "@pool", poolId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            row(reader);
        }
    }

    /// <summary>
    /// The restore's own read (durable sums plus the tail after their mark: O(pools × projects) rows, not
    /// O(donations)), and the refunded donations per project through the partial index of migration 18,
    /// which holds refunded rows only.
    /// </summary>
    public async Task<DisclosureFigures> DisclosureFiguresAsync(string campaignId, CancellationToken ct = default)
    {
        var sums = await LoadCampaignAsync(campaignId, recentSince: null, ct);
        var refunded = new List<(string, long, long)>();
        await using var connection = await OpenAsync(ct);
        await ReadAsync(connection,
            "SELECT project_id, CAST(SUM(amount) AS BIGINT), COUNT(*) FROM donations WHERE campaign_id = @c AND status = 'refunded' GROUP BY project_id",
            campaignId, null, r => refunded.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2))), ct);
        return new DisclosureFigures(
            [.. sums.ProjectRaised.Select(r => (r.ProjectId, r.PartnerId, r.RaisedFen, r.Count))],
            [.. sums.PoolProjectMatched.Select(m => (m.PoolId, m.ProjectId, m.MatchedFen))],
            refunded);
    }
}
