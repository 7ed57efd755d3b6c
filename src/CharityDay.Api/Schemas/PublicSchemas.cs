using System.ComponentModel;

namespace CharityDay.Api.Schemas;

public sealed record RollupTotals
{
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required long DonationCount { get; init; }
}

[Description("A project's public totals (fen), from a snapshot at most one second old.")]
public sealed record ProjectTotals
{
    public required string ProjectId { get; init; }
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public string? Organization { get; init; }
    public string? ParentProjectId { get; init; }
    public long? Goal { get; init; }
    public required string Status { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required long DonationCount { get; init; }

    [Description("Raised by partner id.")]
    public required IReadOnlyDictionary<string, long> ByPartner { get; init; }

    [Description("Monthly pledges to this project that are active (SPEC §7).")]
    public required long ActivePledges { get; init; }

    [Description("The sum of the active pledges' monthly amounts, in fen.")]
    public required long MonthlyPledged { get; init; }

    [Description("What the project reported spending, net of corrections (use-of-funds reports, SPEC §6).")]
    public required long Spent { get; init; }

    [Description("Use-of-funds reports filed for this project.")]
    public required long ReportCount { get; init; }

    [Description("Loyalty points given to this project through conversion pools, net of refunds (SPEC §7).")]
    public required long PointsDonated { get; init; }

    [Description("What merchant gifts gave this project, net of refunds (SPEC §7); part of raised.")]
    public required long MerchantRaised { get; init; }

    [Description("The orders those merchant gifts cover, net of refunds.")]
    public required long MerchantOrders { get; init; }

    [Description("This project and all its sub-projects.")]
    public required RollupTotals Rollup { get; init; }
}

public sealed record PoolBalance
{
    public required string PoolId { get; init; }
    public required string Sponsor { get; init; }
    public required long Budget { get; init; }
    public required long Matched { get; init; }
    public required long Remaining { get; init; }
    public required bool Paused { get; init; }
}

[Description("A campaign's public totals (fen), from a snapshot at most one second old.")]
public sealed record CampaignTotals
{
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public required string TimeZone { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required long DonationCount { get; init; }
    public required int ProjectCount { get; init; }
    public required IReadOnlyList<PoolBalance> Pools { get; init; }
}

public sealed record LeaderboardRow
{
    public required string ProjectId { get; init; }
    public required string Name { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
}
