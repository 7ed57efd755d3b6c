using System.Collections.Concurrent;
using CharityDay.Contracts;

namespace CharityDay.Api.Partners;

/// <summary>
/// Which campaign a project belongs to. A project never changes campaign (PUT refuses it), so a
/// known answer can be cached; unknown projects are asked again every time.
/// </summary>
public sealed class ProjectDirectory(IGrainFactory grains)
{
    private const int MaxCached = 100_000;
    private readonly ConcurrentDictionary<string, string> _campaignByProject = new(StringComparer.Ordinal);

    public async Task<string?> CampaignOfAsync(string projectId)
    {
        if (_campaignByProject.TryGetValue(projectId, out var cached))
        {
            return cached;
        }
        var project = await grains.GetGrain<IProjectGrain>(projectId).Get();
        if (project is null)
        {
            return null;
        }
        if (_campaignByProject.Count < MaxCached)
        {
            _campaignByProject[projectId] = project.CampaignId;
        }
        return project.CampaignId;
    }
}
