using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

public sealed class PartnerGrain(
    [PersistentState("partner", GrainStorage.Name)] IPersistentState<PartnerState> state) : Grain, IPartnerGrain
{
    public Task<PartnerSettings?> Get() => Task.FromResult(state.State.Settings);

    public async Task<Change<PartnerSettings>> Put(PartnerSettings settings)
    {
        var before = state.State.Settings;
        state.State.Settings = settings;
        await state.WriteStateAsync();
        return new Change<PartnerSettings>(before, settings);
    }
}
