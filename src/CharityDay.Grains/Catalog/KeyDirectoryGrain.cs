using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

public sealed class KeyDirectoryGrain(
    [PersistentState("keys", GrainStorage.Name)] IPersistentState<KeyDirectoryState> state) : Grain, IKeyDirectoryGrain
{
    public Task<bool> HasManagerKey() => Task.FromResult(state.State.RolesByKeyId.ContainsValue(Roles.Manager));

    public async Task Register(string keyId, string role)
    {
        state.State.RolesByKeyId[keyId] = role;
        await state.WriteStateAsync();
    }
}
