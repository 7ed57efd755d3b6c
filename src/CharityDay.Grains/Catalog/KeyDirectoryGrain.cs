using CharityDay.Contracts;
using CharityDay.Storage.Ledger;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// Every key id that was ever created, with its role, read from the store on activation: the silos'
/// copy of it turns away unknown keys at once. One activation in the cluster, so the first manager
/// key is created once however many silos start together.
/// </summary>
public sealed class KeyDirectoryGrain(IAdminStore admin) : Grain, IKeyDirectoryGrain
{
    private const int PageSize = 1000;

    private readonly DirectoryLog _log = new();
    private readonly Dictionary<string, (string Role, bool Revoked)> _keys = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        StorageFaultTranslation.TranslateAsync(() => LoadAsync(cancellationToken));

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await admin.ListSettingsAsync(AdminKinds.Key, null, after, PageSize, cancellationToken);
            foreach (var row in page)
            {
                var key = AdminSettingsJson.Load<ApiKeyRecord>(row.SettingsJson);
                _keys[key.KeyId] = (key.Role, key.Revoked);
                _log.Add(new DirectoryEntry(DirectoryKind.Key, key.KeyId, key.Role));
            }
            if (page.Count < PageSize)
            {
                break;
            }
            after = page[^1].Id;
        }
    }

    public Task<bool> HasManagerKey() => Task.FromResult(_keys.Values.Any(k => k.Role == Roles.Manager && !k.Revoked));

    public Task Register(string keyId, string role, bool revoked)
    {
        var known = _keys.TryGetValue(keyId, out var before);
        _keys[keyId] = (role, revoked);
        if (!known || before.Role != role)
        {
            _log.Add(new DirectoryEntry(DirectoryKind.Key, keyId, role));
        }
        return Task.CompletedTask;
    }

    public async Task<bool> CreateFirstManagerKey(ApiKeyRecord key)
    {
        if (await HasManagerKey())
        {
            return false;
        }
        var request = new AdminRequest(ApiKeyGrain.BootstrapKeyId, null, "", null);
        var answer = await GrainFactory.GetGrain<IApiKeyGrain>(key.KeyId).Create(request, key);
        if (answer.Refusal is { } refusal)
        {
            throw new InvalidOperationException($"the first manager key could not be created: {refusal.Detail}");
        }
        return true;
    }

    public Task<DirectoryDelta> Since(DirectoryCursor cursor) => Task.FromResult(_log.Since(cursor));
}
