namespace CharityDay.Contracts;

[GenerateSerializer, Immutable, Alias("cd.Totals")]
public sealed record Totals(long RaisedFen, long MatchedFen, long DonationCount)
{
    public static readonly Totals Zero = new(0, 0, 0);

    public Totals Plus(Totals other) => new(RaisedFen + other.RaisedFen, MatchedFen + other.MatchedFen, DonationCount + other.DonationCount);
}

[GenerateSerializer, Immutable, Alias("cd.PoolUsageView")]
public sealed record PoolUsageView(long MatchedFen, long MatchedTodayFen, long MatchCount, long RemainingFen);

[GenerateSerializer, Immutable, Alias("cd.PoolSummary")]
public sealed record PoolSummary(string PoolId, string Sponsor, long BudgetFen, long MatchedFen, long RemainingFen, bool Paused);

[GenerateSerializer, Immutable, Alias("cd.CampaignView")]
public sealed record CampaignView(CampaignSettings Settings, Totals Totals, int ProjectCount, IReadOnlyList<PoolSummary> Pools);

[GenerateSerializer, Immutable, Alias("cd.LeaderboardEntry")]
public sealed record LeaderboardEntry(string ProjectId, string Name, long RaisedFen, long MatchedFen);
