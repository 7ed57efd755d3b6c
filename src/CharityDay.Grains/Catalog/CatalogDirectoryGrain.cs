using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// The cluster's list of campaign and project ids. A registration is durable before it answers,
/// and the admin PUT that made it answers after that, so a silo that reads the directory after the
/// PUT answered knows the id.
/// </summary>
public sealed class CatalogDirectoryGrain(
    [PersistentState("directory", GrainStorage.Name)] IPersistentState<CatalogDirectoryState> state) : Grain, ICatalogDirectoryGrain
{
    private readonly DirectoryLog _log = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var campaignId in state.State.Campaigns.Order(StringComparer.Ordinal))
        {
            _log.Add(new DirectoryEntry(DirectoryKind.Campaign, campaignId, ""));
        }
        foreach (var (projectId, campaignId) in state.State.ProjectCampaigns.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _log.Add(new DirectoryEntry(DirectoryKind.Project, projectId, campaignId));
        }
        return Task.CompletedTask;
    }

    public async Task RegisterCampaign(string campaignId)
    {
        if (!state.State.Campaigns.Add(campaignId))
        {
            return;
        }
        await WriteOrForgetAsync(() => state.State.Campaigns.Remove(campaignId));
        _log.Add(new DirectoryEntry(DirectoryKind.Campaign, campaignId, ""));
    }

    public async Task RegisterProjects(string campaignId, IReadOnlyList<string> projectIds)
    {
        var added = projectIds.Where(id => state.State.ProjectCampaigns.TryAdd(id, campaignId)).ToList();
        if (added.Count == 0)
        {
            return;
        }
        await WriteOrForgetAsync(() =>
        {
            foreach (var id in added)
            {
                state.State.ProjectCampaigns.Remove(id);
            }
        });
        foreach (var id in added)
        {
            _log.Add(new DirectoryEntry(DirectoryKind.Project, id, campaignId));
        }
    }

    public Task<DirectoryDelta> Since(DirectoryCursor cursor) => Task.FromResult(_log.Since(cursor));

    /// <summary>A failed write leaves memory as storage has it, so a retry registers again.</summary>
    private async Task WriteOrForgetAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }
}
