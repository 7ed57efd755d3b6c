namespace CharityDay.Grains.Campaigns;

/// <summary>Bounds on the write path (TigerStyle: put a limit on everything).</summary>
public static class CampaignLimits
{
    /// <summary>Donations in one group-commit transaction.</summary>
    public const int MaxBatch = 2_000;

    /// <summary>Recently written donations kept for fast replays.</summary>
    public const int RecentDonationsCached = 200_000;

    /// <summary>A donation whose batch hit a duplicate elsewhere is retried this many times.</summary>
    public const int MaxAttempts = 3;
}
