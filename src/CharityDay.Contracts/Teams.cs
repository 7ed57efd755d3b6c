using System.Collections.Immutable;

namespace CharityDay.Contracts;

/// <summary>SPEC §7: the kinds of team a partner may name.</summary>
public static class TeamKinds
{
    public const string Team = "team";

    /// <summary>A creator's fundraiser (short-video and live-room fundraising).</summary>
    public const string Creator = "creator";

    public static bool IsValid(string? kind) => kind is Team or Creator;
}

/// <summary>A team as its partner named it (PUT /v1/teams/{teamId}).</summary>
[GenerateSerializer, Immutable, Alias("cd.TeamSettings")]
public sealed record TeamSettings(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string TeamId,
    [property: Id(2)] string CampaignId,
    [property: Id(3)] string Name,
    [property: Id(4)] long? GoalFen,
    [property: Id(5)] string Kind);

public enum TeamPutResult
{
    Created,
    Replaced,
    CampaignNotFound,

    /// <summary>The partner's team id is named in another campaign.</summary>
    OtherCampaign,
}

[GenerateSerializer, Immutable, Alias("cd.TeamPutOutcome")]
public sealed record TeamPutOutcome([property: Id(0)] TeamPutResult Result, [property: Id(1)] TeamSettings? Team);

/// <summary>One team on the public board: its name (null while unnamed), kind and totals net of refunds and clawbacks.</summary>
[GenerateSerializer, Immutable, Alias("cd.TeamReadModel")]
public sealed record TeamReadModel(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string TeamId,
    [property: Id(2)] string? Name,
    [property: Id(3)] string Kind,
    [property: Id(4)] long? GoalFen,
    [property: Id(5)] long RaisedFen,
    [property: Id(6)] long MatchedFen,
    [property: Id(7)] long DonationCount,
    [property: Id(8)] int DonorCount)
{
    /// <summary>The board's order: raised descending, then partner and team id.</summary>
    public static int BoardOrder(TeamReadModel a, TeamReadModel b) =>
        Contracts.BoardOrder.Compare(a.RaisedFen, a.PartnerId, a.TeamId, b.RaisedFen, b.PartnerId, b.TeamId);

    public static string KeyOf(string partnerId, string teamId) => $"{partnerId}/{teamId}";
}

/// <summary>
/// The campaign's teams as the public reads see them: every team by "partnerId/teamId" (ids hold no
/// '/'), and the board already ordered, whole and per kind, up to <see cref="CampaignSnapshot.LeaderboardDepth"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cd.TeamBoardSnapshot")]
public sealed record TeamBoardSnapshot(
    [property: Id(0)] ImmutableDictionary<string, TeamReadModel> Teams,
    [property: Id(1)] IReadOnlyList<TeamReadModel> Board,
    [property: Id(2)] IReadOnlyList<TeamReadModel> TeamBoard,
    [property: Id(3)] IReadOnlyList<TeamReadModel> CreatorBoard)
{
    public static readonly TeamBoardSnapshot Empty = new(ImmutableDictionary.Create<string, TeamReadModel>(StringComparer.Ordinal), [], [], []);
}
