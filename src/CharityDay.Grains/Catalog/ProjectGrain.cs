using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>A project's settings; its totals live with its campaign's write path.</summary>
public sealed class ProjectGrain(
    [PersistentState("project", GrainStorage.Name)] IPersistentState<ProjectState> state) : Grain, IProjectGrain
{
    public Task<ProjectSettings?> Get() => Task.FromResult(state.State.Settings);

    public async Task<Change<ProjectSettings>> Put(ProjectSettings settings)
    {
        var before = state.State.Settings;
        state.State.Settings = settings;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICampaignGrain>(settings.CampaignId).UpsertProject(settings);
        return new Change<ProjectSettings>(before, settings);
    }
}
