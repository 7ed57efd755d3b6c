using CharityDay.Contracts;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Admin;

/// <summary>
/// The pieces every admin write shares: the answer a retry with the same Idempotency-Key gets, and
/// the one commit that carries a change, its audit entry and that answer.
/// </summary>
public static class AdminCommits
{
    /// <summary>The stored first answer for this request's Idempotency-Key, or the 409 for another body; null when there is none.</summary>
    public static async Task<AdminAnswer?> ReplayAsync(IAdminStore store, AdminRequest request)
    {
        if (request.IdempotencyKey is not { } key || await store.FindAnswerAsync(request.CallerKeyId, key) is not { } stored)
        {
            return null;
        }
        return stored.RequestHash == request.RequestHash
            ? new AdminAnswer(stored.Status, stored.Body, stored.ETag, Replayed: true, null)
            : AdminAnswer.Refused(AdminRefusals.IdempotencyConflict, "Idempotency-Key",
                $"Idempotency-Key {key} was first used with another request; use a new key for a new request");
    }

    /// <summary>
    /// Commits one owner's write. The result is null when the commit failed or its outcome is unknown
    /// (the answer is then the 503 to retry with the same key, and the owner must drop its memory);
    /// <see cref="AdminCommitResult.AnswerExists"/> comes with the stored answer.
    /// </summary>
    public static async Task<(AdminCommitResult? Result, AdminAnswer Answer)> CommitAsync(
        IAdminStore store, AdminRequest request, AdminCommit commit, AdminAnswer answer, string target, ILogger logger)
    {
        AdminCommitOutcome outcome;
        try
        {
            outcome = await store.CommitAdminAsync(commit);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Admin {Action} on {Target} failed or its outcome is unknown", commit.Audit.Action, target);
            return (null, Unknown(target));
        }
        switch (outcome.Result)
        {
            case AdminCommitResult.Committed:
                logger.LogInformation("Admin {Action} {Target} by key {KeyId}: audit entry {Seq}", commit.Audit.Action, target, request.CallerKeyId, outcome.Entry!.Seq);
                return (outcome.Result, answer);
            case AdminCommitResult.AnswerExists:
                return (outcome.Result, await ReplayAsync(store, request) ?? Unknown(target));
            default:
                return (outcome.Result, Unknown(target));
        }
    }

    public static AdminCommit Build(AdminRequest request, DateTimeOffset at, IReadOnlyList<SettingWrite> writes, AuditDraft audit, AdminAnswer answer) =>
        new(writes, audit, request.IdempotencyKey is { } key
            ? new StoredAnswer(request.CallerKeyId, key, request.RequestHash, answer.Status, answer.Body ?? "", answer.ETag, at)
            : null);

    public static AuditDraft Audit(AdminRequest request, DateTimeOffset at, string action, string kind, string id, string? campaignId, object? before, object? after) =>
        new(at, request.CallerKeyId, action, $"{kind}/{id}", campaignId,
            before is null ? null : AdminSettingsJson.Wire(before), after is null ? null : AdminSettingsJson.Wire(after));

    public static SettingWrite Setting<T>(string kind, string id, string? campaignId, T settings, object view, string? believedETag) =>
        new(kind, id, campaignId, AdminSettingsJson.Store(settings), AdminSettingsJson.ETag(view), believedETag);

    public static AdminAnswer Success(int status, object body, string? etag) => new(status, AdminSettingsJson.Wire(body), etag, Replayed: false, null);

    public static AdminAnswer PreconditionFailed(string target) =>
        AdminAnswer.Refused(AdminRefusals.PreconditionFailed, "If-Match", $"{target} changed since the ETag sent in If-Match; read it again");

    /// <summary>The answer for a commit whose outcome could not be known (the connection broke after the commit was sent).</summary>
    public static AdminAnswer Unknown(string target) =>
        AdminAnswer.Refused(AdminRefusals.Unavailable, "Idempotency-Key",
            $"the change to {target} may or may not have been applied; retry with the same Idempotency-Key");
}
