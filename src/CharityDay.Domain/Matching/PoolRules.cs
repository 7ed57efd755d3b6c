namespace CharityDay.Domain.Matching;

/// <summary>A ratio drawn per donation from [MinBps, MaxBps].</summary>
public sealed record RatioRange(int MinBps, int MaxBps);

/// <summary>The rules of one matching pool (SPEC §3). Null caps mean "no limit".</summary>
public sealed record PoolRules
{
    public required string PoolId { get; init; }
    public required string CampaignId { get; init; }
    public string Sponsor { get; init; } = "";
    public long BudgetFen { get; init; }
    public int? RatioBps { get; init; }
    public RatioRange? RandomRatioBps { get; init; }

    /// <summary>The secret key of the random-ratio draws (32 bytes).</summary>
    public byte[] Seed { get; init; } = new byte[RandomRatio.SeedBytes];
    public long? PerDonationCapFen { get; init; }
    public long? PerDonorDailyCapFen { get; init; }
    public int? PerDonorDailyCount { get; init; }
    public int? PerDonorMinuteCount { get; init; }
    public long? PerProjectCapFen { get; init; }
    public long? DailyBudgetFen { get; init; }
    public TimeOnly? DailyOpensAt { get; init; }
    public long? MinDonationFen { get; init; }
    public IReadOnlySet<string>? ProjectIds { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public int Priority { get; init; }
    public bool Paused { get; init; }

    /// <summary>SPEC §7: matches monthly pledges' charges only.</summary>
    public bool PledgesOnly { get; init; }

    /// <summary>SPEC §7: matches only a pledge's first charge (sponsors pay to win new monthly donors).</summary>
    public bool FirstChargeOnly { get; init; }

    /// <summary>SPEC §7: matches merchant gifts as well as people's (default: people's only).</summary>
    public bool MerchantGifts { get; init; }

    /// <summary>SPEC §7: a conversion pool pays points gifts of this loyalty programme, and nothing else.</summary>
    public string? PointsProgram { get; init; }

    /// <summary>SPEC §7: what a conversion pool pays for 1000 points, in fen (at least 1).</summary>
    public long FenPer1000Points { get; init; }

    public bool IsConversionPool => PointsProgram is not null;

    public bool Covers(string projectId) => ProjectIds is null || ProjectIds.Contains(projectId);

    /// <summary>The order in which pools stack: lower priority first, then poolId.</summary>
    public static int StackingOrder(PoolRules a, PoolRules b)
    {
        var byPriority = a.Priority.CompareTo(b.Priority);
        return byPriority != 0 ? byPriority : string.CompareOrdinal(a.PoolId, b.PoolId);
    }
}
