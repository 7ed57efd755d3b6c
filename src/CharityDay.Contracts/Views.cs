namespace CharityDay.Contracts;

[GenerateSerializer, Immutable, Alias("cd.Totals")]
public sealed record Totals(
    [property: Id(0)] long RaisedFen,
    [property: Id(1)] long MatchedFen,
    [property: Id(2)] long DonationCount)
{
    public static readonly Totals Zero = new(0, 0, 0);

    public Totals Plus(Totals other) => new(RaisedFen + other.RaisedFen, MatchedFen + other.MatchedFen, DonationCount + other.DonationCount);
}

[GenerateSerializer, Immutable, Alias("cd.PoolUsageView")]
public sealed record PoolUsageView(
    [property: Id(0)] long MatchedFen,
    [property: Id(1)] long MatchedTodayFen,
    [property: Id(2)] long MatchCount,
    [property: Id(3)] long RemainingFen);

[GenerateSerializer, Immutable, Alias("cd.PoolSummary")]
public sealed record PoolSummary(
    [property: Id(0)] string PoolId,
    [property: Id(1)] string Sponsor,
    [property: Id(2)] long BudgetFen,
    [property: Id(3)] long MatchedFen,
    [property: Id(4)] long RemainingFen,
    [property: Id(5)] bool Paused,
    [property: Id(6)] string? PointsProgram = null);

[GenerateSerializer, Immutable, Alias("cd.CampaignView")]
public sealed record CampaignView(
    [property: Id(0)] CampaignSettings Settings,
    [property: Id(1)] Totals Totals,
    [property: Id(2)] int ProjectCount,
    [property: Id(3)] IReadOnlyList<PoolSummary> Pools);

[GenerateSerializer, Immutable, Alias("cd.LeaderboardEntry")]
public sealed record LeaderboardEntry(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string Name,
    [property: Id(2)] long RaisedFen,
    [property: Id(3)] long MatchedFen);
