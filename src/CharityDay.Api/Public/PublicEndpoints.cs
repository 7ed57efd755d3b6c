using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
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
        var reads = app.MapGroup("").RequireRateLimiting(PublicReadLimits.Policy);
        reads.MapGet("/v1/projects/{projectId}", GetProject);
        reads.MapGet("/v1/campaigns/{campaignId}", GetCampaign);
        reads.MapGet("/v1/campaigns/{campaignId}/leaderboard", GetLeaderboard);
        reads.MapBadIdFallback("/v1/projects", "projectId", ["GET"]);
        reads.MapBadIdFallback("/v1/campaigns", "campaignId", ["GET"]);
    }

    private static async Task<IResult> GetProject(string projectId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
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
        return TypedResults.Ok(new
        {
            projectId = settings.ProjectId,
            campaignId = settings.CampaignId,
            name = settings.Name,
            organization = settings.Organization,
            parentProjectId = settings.ParentProjectId,
            goal = settings.GoalFen,
            status = settings.Status,
            raised = project.Own.RaisedFen,
            matched = project.Own.MatchedFen,
            donationCount = project.Own.DonationCount,
            byPartner = project.RaisedByPartner,
            activePledges = project.ActivePledges,
            monthlyPledged = project.MonthlyPledgedFen,
            pointsDonated = project.PointsDonated,
            rollup = new { raised = project.Rollup.RaisedFen, matched = project.Rollup.MatchedFen, donationCount = project.Rollup.DonationCount },
        });
    }

    private static async Task<IResult> GetCampaign(string campaignId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        var (snapshot, asOf, missing) = await FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        Cacheable(response, asOf);
        var settings = snapshot!.Settings;
        return TypedResults.Ok(new
        {
            campaignId = settings.CampaignId,
            name = settings.Name,
            timeZone = settings.TimeZone,
            startsAt = settings.StartsAt,
            endsAt = settings.EndsAt,
            raised = snapshot.Totals.RaisedFen,
            matched = snapshot.Totals.MatchedFen,
            donationCount = snapshot.Totals.DonationCount,
            projectCount = snapshot.ProjectCount,
            pools = snapshot.Pools.Select(p => new { poolId = p.PoolId, sponsor = p.Sponsor, budget = p.BudgetFen, matched = p.MatchedFen, remaining = p.RemainingFen, paused = p.Paused }),
        });
    }

    private static async Task<IResult> GetLeaderboard(string campaignId, HttpRequest request, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
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
        return TypedResults.Ok(snapshot!.Leaderboard.Take(top).Select(e => new { projectId = e.ProjectId, name = e.Name, raised = e.RaisedFen, matched = e.MatchedFen }));
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
