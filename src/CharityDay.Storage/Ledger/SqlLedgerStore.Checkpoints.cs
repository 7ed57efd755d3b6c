using System.Data.Common;
using CharityDay.Domain.Transparency;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// SPEC §6's checkpoints. A row is inserted once and never updated: (campaign_id, seq) is the primary
/// key, so a checkpoint sealed twice (two sealers during a silo change, a retry after a crash) is
/// written by exactly one of them and the other learns it lost.
/// </summary>
public abstract partial class SqlLedgerStore
{
    private const string CheckpointColumns = "seq, first_event, last_event, event_count, root, prev_hash, hash, sealed_at";

    public async Task<Checkpoint?> LastCheckpointAsync(string campaignId, CancellationToken ct = default) =>
        (await QueryCheckpointsAsync($"SELECT {CheckpointColumns} FROM ledger_checkpoints WHERE campaign_id = @c ORDER BY seq DESC LIMIT 1", campaignId, null, ct))
        .FirstOrDefault();

    public async Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string campaignId, long afterSeq, int limit, CancellationToken ct = default) =>
        await QueryCheckpointsAsync($"SELECT {CheckpointColumns} FROM ledger_checkpoints WHERE campaign_id = @c AND seq > @x ORDER BY seq LIMIT {Math.Max(0, limit)}",
            campaignId, afterSeq, ct);

    public async Task<Checkpoint?> CheckpointOfEventAsync(string campaignId, long eventSeq, CancellationToken ct = default)
    {
        var found = (await QueryCheckpointsAsync(
            $"SELECT {CheckpointColumns} FROM ledger_checkpoints WHERE campaign_id = @c AND last_event >= @x ORDER BY last_event LIMIT 1", campaignId, eventSeq, ct))
            .FirstOrDefault();
        return found is not null && found.FirstEvent <= eventSeq ? found : null;
    }

    public async Task<bool> InsertCheckpointAsync(string campaignId, Checkpoint checkpoint, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO ledger_checkpoints (campaign_id, {CheckpointColumns}) VALUES (@c, @seq, @first, @last, @count, @root, @prev, @hash, @at) " +
            "ON CONFLICT DO NOTHING";
        AddParameter(command, "@c", campaignId);
        AddParameter(command, "@seq", checkpoint.Seq);
        AddParameter(command, "@first", checkpoint.FirstEvent);
        AddParameter(command, "@last", checkpoint.LastEvent);
        AddParameter(command, "@count", checkpoint.Count);
        AddParameter(command, "@root", checkpoint.Root);
        AddParameter(command, "@prev", checkpoint.PrevHash);
        AddParameter(command, "@hash", checkpoint.Hash);
        AddParameter(command, "@at", checkpoint.SealedAt.ToUnixTimeMilliseconds());
        // A single statement commits on its own: the row is there whole, or not at all.
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<List<Checkpoint>> QueryCheckpointsAsync(string sql, string campaignId, long? extra, CancellationToken ct)
    {
        var checkpoints = new List<Checkpoint>();
        await using var connection = await OpenAsync(ct);
        await ReadAsync(connection, sql, campaignId, extra, r => checkpoints.Add(ReadCheckpoint(r)), ct);
        return checkpoints;
    }

    private static Checkpoint ReadCheckpoint(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
}
