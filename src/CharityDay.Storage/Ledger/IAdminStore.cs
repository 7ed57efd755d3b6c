using CharityDay.Domain.Writing;
using CharityDay.Domain.Audit;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// Admin settings, the chained audit log and Idempotency-Key answers, in the ledger's database. A
/// change, its audit entry and its answer commit in one transaction (SPEC §4 "Safe administration").
/// </summary>
public interface IAdminStore
{
    Task<AdminRow?> GetSettingAsync(string kind, string id, CancellationToken ct = default);

    /// <summary>Rows of one kind in id order after <paramref name="after"/>, optionally of one campaign.</summary>
    Task<IReadOnlyList<AdminRow>> ListSettingsAsync(string kind, string? campaignId, string? after, int limit, CancellationToken ct = default);

    /// <summary>The campaign's own row, its projects and its pools.</summary>
    Task<IReadOnlyList<AdminRow>> CampaignRowsAsync(string campaignId, CancellationToken ct = default);

    Task<StoredAnswer?> FindAnswerAsync(string caller, string idempotencyKey, CancellationToken ct = default);

    /// <summary>
    /// Writes the settings (each only if the row's ETag is still the one the writer believed),
    /// appends the audit entry to the chain and stores the answer, in one transaction.
    /// </summary>
    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    Task<AdminCommitOutcome> CommitAdminAsync(AdminCommit commit, WriterFence? fence = null, CancellationToken ct = default);

    /// <summary>Entries oldest first, after <paramref name="afterSeq"/>; <c>campaignIds</c> null means every campaign.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(IReadOnlyCollection<string>? campaignIds, bool includeGlobal, long afterSeq, int limit, CancellationToken ct = default);

    Task<(long Seq, string Hash)> AuditHeadAsync(CancellationToken ct = default);

    Task TouchKeyAsync(string keyId, DateTimeOffset at, CancellationToken ct = default);

    Task<IReadOnlyDictionary<string, DateTimeOffset>> KeysLastUsedAsync(IReadOnlyCollection<string> keyIds, CancellationToken ct = default);

    /// <summary>The whole chain, oldest first, for verification.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditChainAsync(CancellationToken ct = default);
}

public sealed record AdminRow(string Kind, string Id, string? CampaignId, string SettingsJson, string ETag);

/// <summary>A settings row to write; <c>BelievedETag</c> null means the writer believes the row does not exist.</summary>
public sealed record SettingWrite(string Kind, string Id, string? CampaignId, string SettingsJson, string ETag, string? BelievedETag);

public sealed record AuditDraft(DateTimeOffset At, string KeyId, string Action, string Target, string? CampaignId, string? BeforeJson, string? AfterJson);

public sealed record StoredAnswer(string Caller, string IdempotencyKey, string RequestHash, int Status, string Body, string? ETag, DateTimeOffset CreatedAt);

public sealed record AdminCommit(IReadOnlyList<SettingWrite> Settings, AuditDraft Audit, StoredAnswer? Answer);

public enum AdminCommitResult
{
    Committed,

    /// <summary>A row is not as the writer believed: its memory is stale; nothing was written.</summary>
    Stale,

    /// <summary>Another request stored an answer under the same Idempotency-Key first; nothing was written.</summary>
    AnswerExists,
}

public sealed record AdminCommitOutcome(AdminCommitResult Result, AuditRecord? Entry);

/// <summary>Thrown inside an admin transaction to roll it back with a result other than committed.</summary>
public sealed class AdminCommitRefusedException(AdminCommitResult result) : Exception($"admin commit refused: {result}")
{
    public AdminCommitResult Result { get; } = result;
}
