using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>Every key id that was ever created, with its role: the silos' copy of it turns away unknown keys at once.</summary>
public sealed class KeyDirectoryGrain(
    [PersistentState("keys", GrainStorage.Name)] IPersistentState<KeyDirectoryState> state) : Grain, IKeyDirectoryGrain
{
    private readonly DirectoryLog _log = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (keyId, role) in state.State.RolesByKeyId.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            _log.Add(new DirectoryEntry(DirectoryKind.Key, keyId, role));
        }
        return Task.CompletedTask;
    }

    public Task<bool> HasManagerKey() => Task.FromResult(state.State.RolesByKeyId.ContainsValue(Roles.Manager));

    public async Task Register(string keyId, string role)
    {
        if (state.State.RolesByKeyId.TryGetValue(keyId, out var known) && known == role)
        {
            return;
        }
        state.State.RolesByKeyId[keyId] = role;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (known is null)
            {
                state.State.RolesByKeyId.Remove(keyId);
            }
            else
            {
                state.State.RolesByKeyId[keyId] = known;
            }
            throw;
        }
        _log.Add(new DirectoryEntry(DirectoryKind.Key, keyId, role));
    }

    public Task<DirectoryDelta> Since(DirectoryCursor cursor) => Task.FromResult(_log.Since(cursor));
}
