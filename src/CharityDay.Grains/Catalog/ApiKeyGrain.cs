using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>One API key, keyed by its id; only the secret's hash is stored.</summary>
public sealed class ApiKeyGrain(
    [PersistentState("key", GrainStorage.Name)] IPersistentState<ApiKeyState> state) : Grain, IApiKeyGrain
{
    public Task<ApiKeyRecord?> Get() => Task.FromResult(state.State.Key);

    public async Task Create(ApiKeyRecord key)
    {
        if (state.State.Key is not null)
        {
            throw new InvalidOperationException($"key {key.KeyId} exists");
        }
        state.State.Key = key;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IKeyDirectoryGrain>(0).Register(key.KeyId, key.Role);
    }

    public async Task<Change<ApiKeyRecord>?> Revoke()
    {
        var before = state.State.Key;
        if (before is null)
        {
            return null;
        }
        var after = before with { Revoked = true };
        state.State.Key = after;
        await state.WriteStateAsync();
        return new Change<ApiKeyRecord>(before, after);
    }
}
