using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Public;

/// <summary>SPEC §4 public reads: no key needed.</summary>
public static class PublicEndpoints
{
    public const int DefaultTop = 10;
    public const int MaxTop = 1000;

    public static void MapPublicReads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/projects/{projectId}", GetProject);
        app.MapGet("/v1/campaigns/{campaignId}", GetCampaign);
        app.MapGet("/v1/campaigns/{campaignId}/leaderboard", GetLeaderboard);
        app.MapBadIdFallback("/v1/projects", "projectId", ["GET"]);
        app.MapBadIdFallback("/v1/campaigns", "campaignId", ["GET"]);
    }

    private static async Task<IResult> GetProject(string projectId, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
        var project = await grains.GetGrain<IProjectGrain>(projectId).Get();
        if (project is null)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var totals = await grains.GetGrain<ICampaignGrain>(project.CampaignId).GetProjectTotals(projectId);
        return TypedResults.Ok(new
        {
            projectId = project.ProjectId,
            campaignId = project.CampaignId,
            name = project.Name,
            organization = project.Organization,
            parentProjectId = project.ParentProjectId,
            goal = project.GoalFen,
            status = project.Status,
            raised = totals.Own.RaisedFen,
            matched = totals.Own.MatchedFen,
            donationCount = totals.Own.DonationCount,
            byPartner = totals.RaisedByPartner,
            rollup = new { raised = totals.Rollup.RaisedFen, matched = totals.Rollup.MatchedFen, donationCount = totals.Rollup.DonationCount },
        });
    }

    private static async Task<IResult> GetCampaign(string campaignId, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        var view = await grains.GetGrain<ICampaignGrain>(campaignId).GetView();
        if (view is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        return TypedResults.Ok(new
        {
            campaignId = view.Settings.CampaignId,
            name = view.Settings.Name,
            timeZone = view.Settings.TimeZone,
            startsAt = view.Settings.StartsAt,
            endsAt = view.Settings.EndsAt,
            raised = view.Totals.RaisedFen,
            matched = view.Totals.MatchedFen,
            donationCount = view.Totals.DonationCount,
            projectCount = view.ProjectCount,
            pools = view.Pools.Select(p => new { poolId = p.PoolId, sponsor = p.Sponsor, budget = p.BudgetFen, matched = p.MatchedFen, remaining = p.RemainingFen, paused = p.Paused }),
        });
    }

    private static async Task<IResult> GetLeaderboard(string campaignId, HttpRequest request, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        var top = DefaultTop;
        if (request.Query.TryGetValue("top", out var topText)
            && (!int.TryParse(topText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
        {
            return ApiProblem.Invalid("top", $"must be an integer from 1 to {MaxTop}");
        }
        var campaign = grains.GetGrain<ICampaignGrain>(campaignId);
        if (await campaign.GetSettings() is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var entries = await campaign.Leaderboard(top);
        return TypedResults.Ok(entries.Select(e => new { projectId = e.ProjectId, name = e.Name, raised = e.RaisedFen, matched = e.MatchedFen }));
    }
}
