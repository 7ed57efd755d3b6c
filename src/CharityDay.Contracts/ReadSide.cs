using System.Collections.Immutable;

namespace CharityDay.Contracts;

/// <summary>One project as a public read shows it: its settings, its own totals and its roll-up.</summary>
[GenerateSerializer, Immutable, Alias("cd.ProjectReadModel")]
public sealed record ProjectReadModel(ProjectSettings Settings, Totals Own, IReadOnlyDictionary<string, long> RaisedByPartner, Totals Rollup);

/// <summary>
/// What a campaign's writer publishes for the public reads (SPEC §4 "Reads never slow the burst"):
/// immutable, so a silo shares one copy among all its readers. <see cref="Leaderboard"/> holds the
/// top <see cref="LeaderboardDepth"/> projects by raised, already ordered.
/// </summary>
[GenerateSerializer, Immutable, Alias("cd.CampaignSnapshot")]
public sealed record CampaignSnapshot(
    long Version,
    CampaignSettings Settings,
    Totals Totals,
    int ProjectCount,
    IReadOnlyList<PoolSummary> Pools,
    ImmutableDictionary<string, ProjectReadModel> Projects,
    IReadOnlyList<LeaderboardEntry> Leaderboard)
{
    public const int LeaderboardDepth = 1000;
}

/// <summary>Where a silo's copy of a directory stands: the activation it came from and how far it has read.</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryCursor")]
public sealed record DirectoryCursor(Guid Epoch, long Version)
{
    public static readonly DirectoryCursor Start = new(Guid.Empty, 0);
}

/// <summary>An id the directory knows, with its value (a project's campaign, a key's role).</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryEntry")]
public sealed record DirectoryEntry(DirectoryKind Kind, string Id, string Value);

public enum DirectoryKind
{
    Campaign,
    Project,
    Key,
}

/// <summary>The entries added since a cursor; <see cref="Full"/> when the copy must start over (new activation).</summary>
[GenerateSerializer, Immutable, Alias("cd.DirectoryDelta")]
public sealed record DirectoryDelta(DirectoryCursor Cursor, bool Full, IReadOnlyList<DirectoryEntry> Entries);

/// <summary>
/// Every campaign and project id that exists, with each project's campaign: lets every silo answer
/// an unknown id at once, without activating a grain for it, and find a project's campaign without
/// a grain call. Entries are only ever added (a project never changes campaign).
/// </summary>
[Alias("cd.ICatalogDirectoryGrain")]
public interface ICatalogDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("RegisterCampaign")] Task RegisterCampaign(string campaignId);
    [Alias("RegisterProjects")] Task RegisterProjects(string campaignId, IReadOnlyList<string> projectIds);
    [Alias("Since")] Task<DirectoryDelta> Since(DirectoryCursor cursor);
}
