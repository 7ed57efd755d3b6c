using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Public;

/// <summary>
/// SPEC §4 public reads: no key needed, answered from this silo's copy of the campaign's snapshot
/// (never by the writer), each in O(1) or O(log n) plus the size of the answer. An unknown id is
/// answered from the silo's copy of the catalog, without activating anything.
/// </summary>
public static class PublicEndpoints
{
    public const int DefaultTop = 10;
    public const int MaxTop = CampaignSnapshot.LeaderboardDepth;

    /// <summary>Every write acknowledged before this instant is in the answer (RFC 3339, UTC, milliseconds).</summary>
    public const string SnapshotAtHeader = "CharityDay-Snapshot-At";

    public static void MapPublicReads(this IEndpointRouteBuilder app)
    {
        // Every public read, the bad-id answers too, under the optional per-client limit (PublicReadLimits).
        var reads = app.MapGroup("/v1").WithTags("Public reads").AllowAnonymous()
            .RequireRateLimiting(PublicReadLimits.Policy).WithIdentifiers("projectId", "campaignId")
            .ProducesProblems(400, 404, 429);
        reads.MapGet("/projects/{projectId}", GetProject).WithName("GetProject")
            .WithSummary("A project's totals, with its sub-projects rolled up")
            .Produces<ProjectTotals>();
        reads.MapGet("/campaigns/{campaignId}", GetCampaign).WithName("GetCampaign")
            .WithSummary("A campaign's totals and pool balances")
            .Produces<CampaignTotals>();
        reads.MapGet("/campaigns/{campaignId}/leaderboard", GetLeaderboard).WithName("GetLeaderboard")
            .WithSummary("Projects by raised, descending (?top=N, default 10)")
            .Produces<IReadOnlyList<LeaderboardRow>>();
        reads.MapBadIdFallback("/projects", "projectId", ["GET"]);
        reads.MapBadIdFallback("/campaigns", "campaignId", ["GET"]);
    }

    private static async Task<IResult> GetProject(string projectId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        var campaignId = await catalog.CampaignOfProjectAsync(projectId, acceptRecentMiss: true);
        if (campaignId is null)
        {
            return NotFound(response, catalog.AsOf(projectId), "projectId", $"project {projectId} does not exist");
        }
        var copy = await snapshots.GetAsync(campaignId);
        if (copy.Snapshot?.Projects.ContainsKey(projectId) != true)
        {
            // The catalog knows it, so it exists: the copy predates it. One pull brings it.
            copy = await snapshots.GetFresherAsync(campaignId);
        }
        if (copy.Snapshot?.Projects.GetValueOrDefault(projectId) is not { } project)
        {
            return NotFound(response, copy.AsOf, "projectId", $"project {projectId} does not exist");
        }
        Cacheable(response, copy.AsOf);
        var settings = project.Settings;
        return TypedResults.Ok(new ProjectTotals
        {
            ProjectId = settings.ProjectId,
            CampaignId = settings.CampaignId,
            Name = settings.Name,
            Organization = settings.Organization,
            ParentProjectId = settings.ParentProjectId,
            Goal = settings.GoalFen,
            Status = settings.Status,
            Raised = project.Own.RaisedFen,
            Matched = project.Own.MatchedFen,
            DonationCount = project.Own.DonationCount,
            ByPartner = project.RaisedByPartner,
            ActivePledges = project.ActivePledges,
            MonthlyPledged = project.MonthlyPledgedFen,
            Spent = project.SpentFen,
            ReportCount = project.ReportCount,
            PointsDonated = project.PointsDonated,
            MerchantRaised = project.MerchantRaisedFen,
            MerchantOrders = project.MerchantOrders,
            Rollup = new RollupTotals { Raised = project.Rollup.RaisedFen, Matched = project.Rollup.MatchedFen, DonationCount = project.Rollup.DonationCount },
        });
    }

    private static async Task<IResult> GetCampaign(string campaignId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        var (snapshot, asOf, missing) = await FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        Cacheable(response, asOf);
        var settings = snapshot!.Settings;
        return TypedResults.Ok(new CampaignTotals
        {
            CampaignId = settings.CampaignId,
            Name = settings.Name,
            TimeZone = settings.TimeZone,
            StartsAt = settings.StartsAt,
            EndsAt = settings.EndsAt,
            Raised = snapshot.Totals.RaisedFen,
            Matched = snapshot.Totals.MatchedFen,
            DonationCount = snapshot.Totals.DonationCount,
            ProjectCount = snapshot.ProjectCount,
            Pools = [.. snapshot.Pools.Select(p => new PoolBalance
            {
                PoolId = p.PoolId, Sponsor = p.Sponsor, Budget = p.BudgetFen, Matched = p.MatchedFen, Remaining = p.RemainingFen, Paused = p.Paused,
            })],
        });
    }

    private static async Task<IResult> GetLeaderboard(string campaignId, HttpRequest request, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (ReadTop(request) is not { } top)
        {
            return ApiProblem.Invalid("top", $"must be an integer from 1 to {MaxTop}");
        }
        var (snapshot, asOf, missing) = await FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        Cacheable(response, asOf);
        return TypedResults.Ok(snapshot!.Leaderboard.Take(top).Select(e => new LeaderboardRow { ProjectId = e.ProjectId, Name = e.Name, Raised = e.RaisedFen, Matched = e.MatchedFen }));
    }

    /// <summary>The <c>?top=</c> of a board: <see cref="DefaultTop"/> when absent, null when invalid.</summary>
    internal static int? ReadTop(HttpRequest request)
    {
        var top = DefaultTop;
        // One value of ASCII digits only: int.TryParse alone also takes "5\0" (it ignores trailing NULs).
        if (request.Query.TryGetValue("top", out var topText)
            && (topText.Count != 1 || topText[0] is not { Length: > 0 and <= 9 } digits || !digits.All(char.IsAsciiDigit)
                || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
        {
            return null;
        }
        return top;
    }

    internal static async Task<(CampaignSnapshot? Snapshot, DateTimeOffset AsOf, IResult? Missing)> FindCampaignAsync(
        string campaignId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (!await catalog.CampaignExistsAsync(campaignId, acceptRecentMiss: true))
        {
            return (null, catalog.AsOf(campaignId), NotFound(response, catalog.AsOf(campaignId), "campaignId", $"campaign {campaignId} does not exist"));
        }
        var copy = await snapshots.GetAsync(campaignId);
        if (copy.Snapshot is null)
        {
            copy = await snapshots.GetFresherAsync(campaignId);
        }
        return copy.Snapshot is null
            ? (null, copy.AsOf, NotFound(response, copy.AsOf, "campaignId", $"campaign {campaignId} does not exist"))
            : (copy.Snapshot, copy.AsOf, null);
    }

    internal static IResult NotFound(HttpResponse response, DateTimeOffset asOf, string field, string detail)
    {
        Cacheable(response, asOf);
        return ApiProblem.NotFound(field, detail);
    }

    internal static void Cacheable(HttpResponse response, DateTimeOffset asOf)
    {
        response.Headers.CacheControl = "public, max-age=1";
        response.Headers[SnapshotAtHeader] = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }
}
