using CharityDay.Domain.Writing;
using System.Data.Common;
using CharityDay.Domain.Audit;

namespace CharityDay.Storage.Ledger;

public abstract partial class SqlLedgerStore
{
    /// <summary>Answers to Idempotency-Keys are kept at least 24 hours (SPEC §4); older ones are dropped by later writes.</summary>
    public static readonly TimeSpan AnswerRetention = TimeSpan.FromHours(48);

    private const string SettingColumns = "kind, id, campaign_id, settings, etag";
    private const string AuditColumns = "seq, at, key_id, action, target, campaign_id, before_json, after_json, prev_hash, hash";

    public async Task<AdminRow?> GetSettingAsync(string kind, string id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SettingColumns} FROM admin_settings WHERE kind = @k AND id = @id";
        AddParameter(command, "@k", kind);
        AddParameter(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadSetting(reader) : null;
    }

    public async Task<IReadOnlyList<AdminRow>> ListSettingsAsync(string kind, string? campaignId, string? after, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SettingColumns} FROM admin_settings WHERE kind = @k" +
            (campaignId is null ? "" : " AND campaign_id = @c") +
            (after is null ? "" : " AND id > @after") +
            " ORDER BY id LIMIT @limit";
        AddParameter(command, "@k", kind);
        if (campaignId is not null)
        {
            AddParameter(command, "@c", campaignId);
        }
        if (after is not null)
        {
            AddParameter(command, "@after", after);
        }
        AddParameter(command, "@limit", limit);
        return await ReadSettingsAsync(command, ct);
    }

    public async Task<IReadOnlyList<AdminRow>> CampaignRowsAsync(string campaignId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SettingColumns} FROM admin_settings WHERE (kind = 'campaign' AND id = @c) OR (campaign_id = @c AND kind IN ('project', 'pool'))";
        AddParameter(command, "@c", campaignId);
        return await ReadSettingsAsync(command, ct);
    }

    public async Task<StoredAnswer?> FindAnswerAsync(string caller, string idempotencyKey, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_hash, status, body, etag, created_at FROM idempotency WHERE caller = @caller AND idem_key = @key";
        AddParameter(command, "@caller", caller);
        AddParameter(command, "@key", idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredAnswer(caller, idempotencyKey, reader.GetString(0), reader.GetInt32(1), reader.GetString(2), ReadString(reader, 3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)))
            : null;
    }

    public async Task<AdminCommitOutcome> CommitAdminAsync(AdminCommit commit, WriterFence? fence = null, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(connection, ct);
        try
        {
            await CheckFenceAsync(connection, tx, fence, ct);
            var entry = await WriteAdminAsync(connection, tx, commit, ct);
            await tx.CommitAsync(ct);
            return new AdminCommitOutcome(AdminCommitResult.Committed, entry);
        }
        catch (AdminCommitRefusedException refused)
        {
            await tx.RollbackAsync(CancellationToken.None);
            return new AdminCommitOutcome(refused.Result, null);
        }
    }

    /// <summary>
    /// Inside a write transaction, in a fixed order (answer, settings, audit head) so that concurrent
    /// admin transactions cannot deadlock: stores the answer, writes the settings if they are as the
    /// writer believed, and appends the entry to the chain.
    /// </summary>
    /// <exception cref="AdminCommitRefusedException">The transaction must roll back.</exception>
    private async Task<AuditRecord> WriteAdminAsync(DbConnection connection, DbTransaction tx, AdminCommit commit, CancellationToken ct)
    {
        if (commit.Answer is { } answer)
        {
            await InsertAnswerAsync(connection, tx, answer, ct);
        }
        foreach (var write in commit.Settings)
        {
            await WriteSettingAsync(connection, tx, write, commit.Audit.At, ct);
        }
        return await AppendChainedAsync(connection, tx, commit.Audit, ct);
    }

    private async Task InsertAnswerAsync(DbConnection connection, DbTransaction tx, StoredAnswer answer, CancellationToken ct)
    {
        await using (var cleanup = connection.CreateCommand())
        {
            cleanup.Transaction = tx;
            cleanup.CommandText = "DELETE FROM idempotency WHERE created_at < @cutoff";
            AddParameter(cleanup, "@cutoff", (answer.CreatedAt - AnswerRetention).ToUnixTimeMilliseconds());
            await cleanup.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        // DO NOTHING instead of a unique violation: PostgreSQL aborts a transaction on an error.
        command.CommandText =
            "INSERT INTO idempotency (caller, idem_key, request_hash, status, body, etag, created_at) " +
            "VALUES (@caller, @key, @hash, @status, @body, @etag, @at) ON CONFLICT (caller, idem_key) DO NOTHING";
        AddParameter(command, "@caller", answer.Caller);
        AddParameter(command, "@key", answer.IdempotencyKey);
        AddParameter(command, "@hash", answer.RequestHash);
        AddParameter(command, "@status", answer.Status);
        AddParameter(command, "@body", answer.Body);
        AddParameter(command, "@etag", answer.ETag);
        AddParameter(command, "@at", answer.CreatedAt.ToUnixTimeMilliseconds());
        if (await command.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new AdminCommitRefusedException(AdminCommitResult.AnswerExists);
        }
    }

    private async Task WriteSettingAsync(DbConnection connection, DbTransaction tx, SettingWrite write, DateTimeOffset at, CancellationToken ct)
    {
        string? current;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT etag FROM admin_settings WHERE kind = @k AND id = @id" + LockReadRows;
            AddParameter(read, "@k", write.Kind);
            AddParameter(read, "@id", write.Id);
            current = await read.ExecuteScalarAsync(ct) as string;
        }
        if (current != write.BelievedETag)
        {
            throw new AdminCommitRefusedException(AdminCommitResult.Stale);
        }
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText =
            "INSERT INTO admin_settings (kind, id, campaign_id, settings, etag, updated_at) VALUES (@k, @id, @c, @s, @e, @at) " +
            "ON CONFLICT (kind, id) DO UPDATE SET campaign_id = excluded.campaign_id, settings = excluded.settings, etag = excluded.etag, updated_at = excluded.updated_at";
        AddParameter(command, "@k", write.Kind);
        AddParameter(command, "@id", write.Id);
        AddParameter(command, "@c", write.CampaignId);
        AddParameter(command, "@s", write.SettingsJson);
        AddParameter(command, "@e", write.ETag);
        AddParameter(command, "@at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<AuditRecord> AppendChainedAsync(DbConnection connection, DbTransaction tx, AuditDraft draft, CancellationToken ct)
    {
        long seq;
        string prevHash;
        await using (var head = connection.CreateCommand())
        {
            head.Transaction = tx;
            head.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1" + LockReadRows;
            await using var reader = await head.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("audit_head has no row: run the migrations");
            }
            seq = reader.GetInt64(0) + 1;
            prevHash = reader.GetString(1);
        }
        var entry = new AuditRecord(seq, AuditChain.FormatAt(draft.At), draft.KeyId, draft.Action, draft.Target, draft.CampaignId,
            draft.BeforeJson, draft.AfterJson, prevHash, "");
        entry = entry with { Hash = AuditChain.Hash(entry) };
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText =
                $"INSERT INTO audit_log ({AuditColumns}) VALUES (@seq, @at, @key, @action, @target, @c, @before, @after, @prev, @hash)";
            AddParameter(insert, "@seq", entry.Seq);
            AddParameter(insert, "@at", entry.At);
            AddParameter(insert, "@key", entry.KeyId);
            AddParameter(insert, "@action", entry.Action);
            AddParameter(insert, "@target", entry.Target);
            AddParameter(insert, "@c", entry.CampaignId);
            AddParameter(insert, "@before", entry.BeforeJson);
            AddParameter(insert, "@after", entry.AfterJson);
            AddParameter(insert, "@prev", entry.PrevHash);
            AddParameter(insert, "@hash", entry.Hash);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = tx;
            update.CommandText = "UPDATE audit_head SET seq = @seq, hash = @hash WHERE id = 1";
            AddParameter(update, "@seq", entry.Seq);
            AddParameter(update, "@hash", entry.Hash);
            await update.ExecuteNonQueryAsync(ct);
        }
        return entry;
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(IReadOnlyCollection<string>? campaignIds, bool includeGlobal, long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var filters = new List<string>();
        if (campaignIds is not null)
        {
            var names = campaignIds.Select((id, i) =>
            {
                AddParameter(command, $"@c{i}", id);
                return $"@c{i}";
            }).ToList();
            filters.Add(names.Count == 0 ? "1 = 0" : $"campaign_id IN ({string.Join(',', names)})");
        }
        if (includeGlobal)
        {
            filters.Add("campaign_id IS NULL");
        }
        var scope = campaignIds is null && includeGlobal ? "" : $" AND ({string.Join(" OR ", filters)})";
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log WHERE seq > @after{scope} ORDER BY seq LIMIT @limit";
        AddParameter(command, "@after", afterSeq);
        AddParameter(command, "@limit", limit);
        var entries = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(ReadAudit(reader));
        }
        return entries;
    }

    public async Task<(long Seq, string Hash)> AuditHeadAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.GenesisHash);
    }

    public async Task TouchKeyAsync(string keyId, DateTimeOffset at, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO key_usage (key_id, last_used_at) VALUES (@k, @at) " +
            "ON CONFLICT (key_id) DO UPDATE SET last_used_at = excluded.last_used_at WHERE key_usage.last_used_at < excluded.last_used_at";
        AddParameter(command, "@k", keyId);
        AddParameter(command, "@at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> KeysLastUsedAsync(IReadOnlyCollection<string> keyIds, CancellationToken ct = default)
    {
        var used = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (keyIds.Count == 0)
        {
            return used;
        }
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var names = keyIds.Select((id, i) =>
        {
            AddParameter(command, $"@k{i}", id);
            return $"@k{i}";
        }).ToList();
        command.CommandText = $"SELECT key_id, last_used_at FROM key_usage WHERE key_id IN ({string.Join(',', names)})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            used[reader.GetString(0)] = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        }
        return used;
    }

    /// <summary>Walks the whole chain in the database, oldest first: for <c>audit-verify</c>.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadAuditChainAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ReadAudit(reader);
        }
    }

    private static AuditRecord ReadAudit(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        ReadString(reader, 5), ReadString(reader, 6), ReadString(reader, 7), reader.GetString(8), reader.GetString(9));

    private static AdminRow ReadSetting(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), ReadString(reader, 2), reader.GetString(3), reader.GetString(4));

    private static async Task<IReadOnlyList<AdminRow>> ReadSettingsAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new List<AdminRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(ReadSetting(reader));
        }
        return rows;
    }
}
