using System.ComponentModel;

namespace CharityDay.Api.Schemas;

[Description("PUT /v1/teams/{teamId}: the partner's team in one campaign (SPEC §7). A team cannot change campaign.")]
public sealed record TeamBody
{
    public required string CampaignId { get; init; }

    [Description("The team's public name (free text).")]
    public required string Name { get; init; }

    [Description("Fen; optional.")]
    public long? Goal { get; init; }

    [Description("\"team\" (default) or \"creator\".")]
    public string? Kind { get; init; }
}

[Description("A team as its partner named it.")]
public sealed record TeamView
{
    public required string PartnerId { get; init; }
    public required string TeamId { get; init; }
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public long? Goal { get; init; }
    public required string Kind { get; init; }
}

[Description("One row of a campaign's team board (fen, net of refunds and clawbacks), from the public snapshot.")]
public sealed record TeamBoardRow
{
    public required string PartnerId { get; init; }
    public required string TeamId { get; init; }

    [Description("Null while the partner has not named the team.")]
    public string? Name { get; init; }

    public required string Kind { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required long DonationCount { get; init; }
    public required int DonorCount { get; init; }
}

[Description("One team's public totals (fen), from the campaign's snapshot.")]
public sealed record TeamTotals
{
    public required string PartnerId { get; init; }
    public required string TeamId { get; init; }
    public required string CampaignId { get; init; }
    public string? Name { get; init; }
    public required string Kind { get; init; }
    public long? Goal { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required long DonationCount { get; init; }
    public required int DonorCount { get; init; }
}

[Description("PUT /v1/pledges/{pledgeId}: a donor's monthly pledge to a project (SPEC §7).")]
public sealed record PledgeBody
{
    public required string ProjectId { get; init; }
    public required string DonorId { get; init; }

    [Description("Fen charged each month.")]
    public required long Amount { get; init; }

    [Description("1–31; on a shorter month, its last day.")]
    public required int DayOfMonth { get; init; }
}

[Description("A monthly pledge as its partner set it.")]
public sealed record PledgeView
{
    public required string PledgeId { get; init; }
    public required string PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public required string ProjectId { get; init; }
    public required string DonorId { get; init; }
    public required long Amount { get; init; }
    public required int DayOfMonth { get; init; }

    [Description("\"active\" or \"cancelled\".")]
    public required string Status { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
}

[Description("One row of a campaign's merchant board (SPEC §7; fen, net of refunds), from the public snapshot.")]
public sealed record MerchantBoardRow
{
    public required string PartnerId { get; init; }
    public required string MerchantId { get; init; }
    public required long Raised { get; init; }

    [Description("The orders its live gifts cover.")]
    public required long OrderCount { get; init; }

    public required long DonationCount { get; init; }
}
