using CharityDay.Api.Http;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Admin;

/// <summary>A pool's scope names projects of its own campaign only.</summary>
public static class PoolProjects
{
    public static async Task<IResult?> CheckAsync(IGrainFactory grains, PoolSettings settings)
    {
        if (settings.ProjectIds is null)
        {
            return null;
        }
        var projects = await Task.WhenAll(settings.ProjectIds.Select(id => grains.GetGrain<IProjectGrain>(id).Get()));
        for (var i = 0; i < projects.Length; i++)
        {
            if (projects[i] is null)
            {
                return ApiProblem.NotFound($"projectIds[{i}]", $"project {settings.ProjectIds[i]} does not exist");
            }
            if (projects[i]!.CampaignId != settings.CampaignId)
            {
                return ApiProblem.Invalid($"projectIds[{i}]", $"project {settings.ProjectIds[i]} belongs to another campaign");
            }
        }
        return null;
    }
}
