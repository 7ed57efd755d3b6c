using System.ComponentModel;

namespace CharityDay.Api.Schemas;

public sealed record RatioRange
{
    public required int Min { get; init; }
    public required int Max { get; init; }
}

[Description("A pool's matching rules (SPEC §3), shared by its create, patch and read shapes. Money in fen.")]
public abstract record PoolRules
{
    [Description("Give ratioBps or randomRatioBps.")]
    public int? RatioBps { get; init; }

    [Description("Each donation's ratio is drawn from this range, reproducibly but unpredictably.")]
    public RatioRange? RandomRatioBps { get; init; }

    public long? PerDonationCap { get; init; }
    public long? PerDonorDailyCap { get; init; }
    public int? PerDonorDailyCount { get; init; }
    public int? PerDonorMinuteCount { get; init; }
    public long? PerProjectCap { get; init; }
    public long? DailyBudget { get; init; }

    [Description("Local time of day, HH:mm, before which the pool does not match.")]
    public string? DailyOpensAt { get; init; }

    public long? MinDonation { get; init; }

    [Description("Null: every project of the campaign.")]
    public IReadOnlyList<string>? ProjectIds { get; init; }

    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }

    [Description("Match monthly pledges' charges only (SPEC §7).")]
    public bool? PledgesOnly { get; init; }

    [Description("Match only a pledge's first charge (SPEC §7).")]
    public bool? FirstChargeOnly { get; init; }

    [Description("Match merchant gifts as well as people's (SPEC §7); default false: people's only.")]
    public bool? MerchantGifts { get; init; }

    [Description("A conversion pool (SPEC §7): it pays points gifts of this programme instead of matching; no ratio.")]
    public string? PointsProgram { get; init; }

    [Description("A conversion pool's rate: fen per 1000 points, an integer ≥ 1.")]
    public long? FenPer1000Points { get; init; }
}

[Description("Create or replace a matching pool (SPEC §3). Money in fen; ratios in basis points (10000 = 1:1).")]
public sealed record PoolBody : PoolRules
{
    public required string CampaignId { get; init; }
    public string? Sponsor { get; init; }
    public required long Budget { get; init; }

    [Description("Lower matches first.")]
    public int? Priority { get; init; }

    public bool? Paused { get; init; }
}

[Description("Change some fields of a pool live; budgetDelta tops up (+) or cuts (-) the budget. Fields not sent keep their values.")]
public sealed record PoolPatchBody : PoolRules
{
    public string? Sponsor { get; init; }
    public long? Budget { get; init; }

    [Description("Fen to add to (or, negative, take from) the budget; not with budget.")]
    public long? BudgetDelta { get; init; }

    public int? Priority { get; init; }
    public bool? Paused { get; init; }
}

[Description("A pool's settings (the ETag covers these) and, on the pool's own read, its usage.")]
public sealed record PoolView : PoolRules
{
    public required string PoolId { get; init; }
    public required string CampaignId { get; init; }
    public required string Sponsor { get; init; }
    public required long Budget { get; init; }
    public required int Priority { get; init; }
    public required bool Paused { get; init; }

    [Description("Usage (not in listings): matched net of refunds and clawbacks.")]
    public long? Matched { get; init; }

    public long? Remaining { get; init; }
    public long? MatchedToday { get; init; }
    public long? MatchCount { get; init; }
}

public sealed record PoolPage
{
    public required IReadOnlyList<PoolView> Items { get; init; }
    public string? Next { get; init; }
}

[Description("Flag a donor on a pool: every match the pool gave them is reversed, and they are matched no more by it.")]
public sealed record ClawbackBody
{
    [Description("The person flagged. Required unless merchantId names a merchant instead (both: 400).")]
    public string? DonorId { get; init; }

    [Description("A merchant flagged (SPEC §7), in place of donorId: its merchant gifts' matches are reversed; a person with the same id is untouched.")]
    public string? MerchantId { get; init; }

    [Description("Flag one platform's donor or merchant only; absent: the id on every platform.")]
    public string? PartnerId { get; init; }

    public required string Reason { get; init; }
}

public sealed record ClawbackResult
{
    public required string PoolId { get; init; }

    [Description("The person flagged; null when a merchant was.")]
    public string? DonorId { get; init; }

    [Description("The merchant flagged; null when a person was.")]
    public string? MerchantId { get; init; }

    public string? PartnerId { get; init; }
    public required string Reason { get; init; }
    public required int MatchesReversed { get; init; }

    [Description("Fen returned to the pool.")]
    public required long AmountReturned { get; init; }
}

public sealed record PoolSeed
{
    public required string PoolId { get; init; }

    [Description("The random-ratio seed, hex; readable once the pool's endsAt has passed.")]
    public required string Seed { get; init; }
}
