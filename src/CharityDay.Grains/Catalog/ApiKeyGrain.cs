using CharityDay.Contracts;
using CharityDay.Grains.Admin;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// One API key, keyed by its id; only the secret's hash is stored. Its creation and revocation commit
/// with their audit entries; memory follows only a committed change.
/// </summary>
public sealed class ApiKeyGrain(IAdminStore admin, TimeProvider time, ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain
{
    /// <summary>How often a key in use writes its last use: often enough for an operator, rarely enough to cost nothing.</summary>
    private static readonly TimeSpan UsageWriteInterval = TimeSpan.FromMinutes(1);

    private ApiKeyRecord? _key;
    private string? _etag;
    private DateTimeOffset? _usageWritten;

    private string KeyId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => StorageFaultTranslation.TranslateAsync(LoadAsync);

    /// <summary>Read by a silo authenticating a request with this key: that is a use.</summary>
    public async Task<ApiKeyRecord?> Get()
    {
        if (_key is { Revoked: false })
        {
            var now = time.GetUtcNow();
            if (_usageWritten is not { } written || now - written >= UsageWriteInterval)
            {
                _usageWritten = now;
                try
                {
                    await admin.TouchKeyAsync(KeyId, now);
                }
                catch (Exception e)
                {
                    // Last use is for operators; authentication must not fail for it.
                    logger.LogWarning(e, "Could not record the last use of key {KeyId}", KeyId);
                    _usageWritten = null;
                }
            }
        }
        return _key;
    }

    public async Task<AdminAnswer> Create(AdminRequest request, ApiKeyRecord key)
    {
        // A retry is a new request with a new key id: the stored answer names the key the first one made.
        if (await AdminCommits.ReplayAsync(admin, request) is { } replay)
        {
            return replay;
        }
        if (_key is not null)
        {
            return AdminAnswer.Refused(AdminRefusals.Conflict, "keyId", $"key {KeyId} exists");
        }
        var at = time.GetUtcNow();
        var view = AdminJson.Key(key);
        var write = AdminCommits.Setting(AdminKinds.Key, KeyId, null, key, view, null);
        var audit = AdminCommits.Audit(request, at, "key.create", AdminKinds.Key, KeyId, null, null, view);
        var answer = AdminCommits.Success(201, AdminJson.CreatedKey(key, secret: null), write.ETag);
        return await CommitAsync(request, at, write, audit, answer, key);
    }

    public async Task<AdminAnswer> Revoke(AdminRequest request)
    {
        if (await AdminCommits.ReplayAsync(admin, request) is { } replay)
        {
            if (replay.Refusal is null && _key is not null)
            {
                await RegisterAsync();
            }
            return replay;
        }
        if (_key is not { } before)
        {
            return AdminAnswer.Refused(AdminRefusals.NotFound, "keyId", $"key {KeyId} does not exist");
        }
        if (before.Revoked)
        {
            return new AdminAnswer(204, null, _etag, Replayed: false, null);
        }
        var at = time.GetUtcNow();
        var after = before with { Revoked = true };
        var view = AdminJson.Key(after);
        var write = AdminCommits.Setting(AdminKinds.Key, KeyId, null, after, view, _etag);
        var audit = AdminCommits.Audit(request, at, "key.revoke", AdminKinds.Key, KeyId, null, AdminJson.Key(before), view);
        return await CommitAsync(request, at, write, audit, new AdminAnswer(204, null, write.ETag, Replayed: false, null), after);
    }

    private async Task<AdminAnswer> CommitAsync(AdminRequest request, DateTimeOffset at, SettingWrite write, AuditDraft audit, AdminAnswer answer, ApiKeyRecord after)
    {
        var (result, reply) = await AdminCommits.CommitAsync(admin, request, AdminCommits.Build(request, at, [write], audit, answer), answer, $"key {KeyId}", logger);
        switch (result)
        {
            case AdminCommitResult.Committed:
                (_key, _etag) = (after, write.ETag);
                await RegisterAsync();
                return reply;
            case AdminCommitResult.AnswerExists:
                return reply;
            default:
                // Failed, unknown or stale: the next call reads the store again.
                DeactivateOnIdle();
                return reply;
        }
    }

    private Task RegisterAsync() => GrainFactory.GetGrain<IKeyDirectoryGrain>(0).Register(KeyId, _key!.Role, _key.Revoked);

    private async Task LoadAsync()
    {
        var row = await admin.GetSettingAsync(AdminKinds.Key, KeyId);
        (_key, _etag) = row is null ? (null, null) : (AdminSettingsJson.Load<ApiKeyRecord>(row.SettingsJson), row.ETag);
    }

    public const string BootstrapKeyId = "bootstrap";
}
