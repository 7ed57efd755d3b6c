using System.Data;
using System.Data.Common;
using CharityDay.Domain.Transparency;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// The events of SPEC §6's verifiable ledger. They are written inside the transaction of the rows they
/// describe, after a proof that their seqs follow the campaign's last event: so a campaign's events are
/// gapless, and since each transaction saw its predecessor committed, they commit in seq order. A sealer
/// reading any snapshot therefore sees a prefix of the sequence, never seq n+1 without n.
/// </summary>
public abstract partial class SqlLedgerStore
{
    private const string LastEventSql = "SELECT COALESCE(MAX(seq), 0) FROM ledger_events WHERE campaign_id = @c";

    private const string InsertEventSql = "INSERT INTO ledger_events (campaign_id, seq, type, receipt_key, body) VALUES (@c0, @c1, @c2, @c3, @c4)";

    private static readonly DbType[] EventColumnTypes = [DbType.String, DbType.Int64, DbType.String, DbType.String, DbType.String];

    private async Task InsertEventsAsync(DbConnection connection, DbTransaction tx, string campaignId, IReadOnlyList<LedgerEvent>? events, CancellationToken ct)
    {
        if (events is not { Count: > 0 })
        {
            return;
        }
        // One index probe (the primary key's last entry for the campaign).
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = LastEventSql;
            AddParameter(command, "@c", campaignId);
            var last = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            if (events[0].Seq != last + 1)
            {
                throw new EventSequenceException(campaignId, last, events[0].Seq);
            }
        }
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Seq != events[0].Seq + i)
            {
                throw new EventSequenceException(campaignId, events[i - 1].Seq, events[i].Seq);
            }
        }
        await WriteEventRowsAsync(connection, tx, campaignId, events, ct);
    }

    /// <summary>The rows themselves: a prepared single-row insert re-bound per event (cheap on SQLite); PostgreSQL sends arrays.</summary>
    protected virtual async Task WriteEventRowsAsync(DbConnection connection, DbTransaction tx, string campaignId, IReadOnlyList<LedgerEvent> events, CancellationToken ct)
    {
        await using var row = PreparedRow(connection, tx, InsertEventSql, EventColumnTypes);
        foreach (var e in events)
        {
            Bind(row, campaignId, e.Seq, e.Type, e.ReceiptKey, e.Json);
            await row.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<long> LastEventSeqAsync(string campaignId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = LastEventSql;
        AddParameter(command, "@c", campaignId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<LedgerEvent>> ReadEventsAsync(string campaignId, long fromSeq, long toSeq, CancellationToken ct = default)
    {
        var events = new List<LedgerEvent>();
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, type, receipt_key, body FROM ledger_events WHERE campaign_id = @c AND seq >= @from AND seq <= @to ORDER BY seq";
        AddParameter(command, "@c", campaignId);
        AddParameter(command, "@from", fromSeq);
        AddParameter(command, "@to", toSeq);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(new LedgerEvent(reader.GetInt64(0), reader.GetString(1), ReadString(reader, 2), reader.GetString(3)));
        }
        return events;
    }

    public async Task<(string CampaignId, LedgerEvent Event)?> FindReceiptEventAsync(string receiptKey, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT campaign_id, seq, type, body FROM ledger_events WHERE receipt_key = @k";
        AddParameter(command, "@k", receiptKey);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return (reader.GetString(0), new LedgerEvent(reader.GetInt64(1), reader.GetString(2), receiptKey, reader.GetString(3)));
    }
}

/// <summary>Events whose seqs do not follow the campaign's last one: the writer's count is stale. Nothing was written.</summary>
public sealed class EventSequenceException(string campaignId, long last, long next)
    : Exception($"campaign {campaignId}: event {next} does not follow event {last}; the writer must re-read the last seq")
{
    public string CampaignId { get; } = campaignId;
}
