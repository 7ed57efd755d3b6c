using System.Collections.Immutable;

namespace CharityDay.Contracts;

/// <summary>One project as a public read shows it: its settings, its own totals and its roll-up.</summary>
[GenerateSerializer, Immutable, Alias("cd.ProjectReadModel")]
public sealed record ProjectReadModel(
    [property: Id(0)] ProjectSettings Settings,
    [property: Id(1)] Totals Own,
    [property: Id(2)] IReadOnlyDictionary<string, long> RaisedByPartner,
    [property: Id(3)] Totals Rollup,
    [property: Id(4)] int ActivePledges = 0,
    [property: Id(5)] long MonthlyPledgedFen = 0,
    [property: Id(6)] long SpentFen = 0,
    [property: Id(7)] int ReportCount = 0,
    [property: Id(8)] long PointsDonated = 0,
    [property: Id(9)] long MerchantRaisedFen = 0,
    [property: Id(10)] long MerchantOrders = 0);

/// <summary>
/// What a campaign's writer publishes for the public reads (SPEC §4 "Reads never slow the burst"):
/// immutable, so a silo shares one copy among all its readers. <see cref="Leaderboard"/> holds the
/// top <see cref="LeaderboardDepth"/> projects by raised, already ordered.
/// </summary>
[GenerateSerializer, Immutable, Alias("cd.CampaignSnapshot")]
public sealed record CampaignSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] CampaignSettings Settings,
    [property: Id(2)] Totals Totals,
    [property: Id(3)] int ProjectCount,
    [property: Id(4)] IReadOnlyList<PoolSummary> Pools,
    [property: Id(5)] ImmutableDictionary<string, ProjectReadModel> Projects,
    [property: Id(6)] IReadOnlyList<LeaderboardEntry> Leaderboard,
    [property: Id(7)] TeamBoardSnapshot? Teams = null,
    [property: Id(8)] MerchantBoardSnapshot? Merchants = null)
{
    public const int LeaderboardDepth = 1000;
}

/// <summary>Where a silo's copy of a directory stands: the activation it came from and how far it has read.</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryCursor")]
public sealed record DirectoryCursor([property: Id(0)] Guid Epoch, [property: Id(1)] long Version)
{
    public static readonly DirectoryCursor Start = new(Guid.Empty, 0);
}

/// <summary>An id the directory knows, with its value (a project's campaign, a key's role).</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryEntry")]
public sealed record DirectoryEntry(
    [property: Id(0)] DirectoryKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Value);

public enum DirectoryKind
{
    Campaign,
    Project,
    Key,
}

/// <summary>The entries added since a cursor; <see cref="Full"/> when the copy must start over (new activation).</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryDelta")]
public sealed record DirectoryDelta(
    [property: Id(0)] DirectoryCursor Cursor,
    [property: Id(1)] bool Full,
    [property: Id(2)] IReadOnlyList<DirectoryEntry> Entries);

/// <summary>
/// One partition of the list of every campaign and project id that exists, with each project's
/// campaign: lets every silo answer an unknown id at once, without activating a grain for it, and
/// find a project's campaign without a grain call. Entries are only ever added (a project never
/// changes campaign). The key is the partition (<see cref="CatalogPartitions.Of"/> of the id), so a
/// registration rewrites one small partition, not a list of every project of every campaign.
/// </summary>
[Alias("cd.ICatalogDirectoryGrain")]
public interface ICatalogDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("RegisterCampaign")] Task RegisterCampaign(string campaignId);
    [Alias("RegisterProjects")] Task RegisterProjects(string campaignId, IReadOnlyList<string> projectIds);
    [Alias("Since")] Task<DirectoryDelta> Since(DirectoryCursor cursor);
}

/// <summary>Which catalog directory partition holds an id: a stable hash (FNV-1a over its UTF-16 code units), so every silo and every version agrees.</summary>
public static class CatalogPartitions
{
    public const int Count = 64;

    public static int Of(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % Count);
    }

    /// <summary>Registers a campaign's projects, one call per partition they fall in.</summary>
    public static Task RegisterProjectsAsync(IGrainFactory grains, string campaignId, IEnumerable<string> projectIds) =>
        Task.WhenAll(projectIds.GroupBy(Of).Select(g => grains.GetGrain<ICatalogDirectoryGrain>(g.Key).RegisterProjects(campaignId, [.. g])));

    public static Task RegisterCampaignAsync(IGrainFactory grains, string campaignId) =>
        grains.GetGrain<ICatalogDirectoryGrain>(Of(campaignId)).RegisterCampaign(campaignId);
}
