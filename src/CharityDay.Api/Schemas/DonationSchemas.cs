using System.ComponentModel;

namespace CharityDay.Api.Schemas;

// The shapes of SPEC §4's partner calls, for the OpenAPI document only: the handlers read bodies with
// FieldReader (strict: an unnamed field is a 400) and write the same field names.

[Description("One donation, as a partner posts it. Money in fen (CNY 0.01). Any other field is a 400 naming it.")]
public sealed record DonationBody
{
    [Description("The partner's id for this donation; with the partner it identifies the donation forever (idempotency).")]
    public required string DonationId { get; init; }

    public required string ProjectId { get; init; }

    [Description("The partner's pseudonymous donor id. Required, except for a merchant gift (merchantId + orderCount instead; both: 400).")]
    public string? DonorId { get; init; }

    [Description("A merchant gift (SPEC §7): the merchant on the partner's platform giving a share of its sales, in place of donorId. The merchant is one donor for caps, the velocity rule and clawback, apart from any person.")]
    public string? MerchantId { get; init; }

    [Description("A merchant gift's orders, 1 to 1,000,000; only with merchantId.")]
    public int? OrderCount { get; init; }

    [Description("Fen, 1 to 100,000,000. Absent for a points gift (points + pointsProgram instead).")]
    public long? Amount { get; init; }

    [Description("CNY only (422 otherwise).")]
    public string? Currency { get; init; }

    [Description("RFC 3339 with an offset; kept for reporting only.")]
    public DateTimeOffset? OccurredAt { get; init; }

    public string? TeamId { get; init; }

    public string? Channel { get; init; }

    [Description("A monthly pledge's charge (SPEC §7): project, donor and amount must match the pledge; one per campaign-local month.")]
    public string? PledgeId { get; init; }

    [Description("Loyalty points given instead of amount (SPEC §7), an integer ≥ 1, with pointsProgram.")]
    public long? Points { get; init; }

    [Description("The points programme whose conversion pool pays the gift.")]
    public string? PointsProgram { get; init; }
}

[Description("At most 1000 donations; each succeeds or fails on its own. Nothing but `donations` may be sent.")]
public sealed record DonationBatchBody
{
    public required IReadOnlyList<DonationBody> Donations { get; init; }
}

public sealed record DonationMatch
{
    public required string PoolId { get; init; }

    [Description("Fen.")]
    public required long Amount { get; init; }

    [Description("The ratio this match used (a random pool's draw).")]
    public required int RatioBps { get; init; }

    [Description("True once a refund or a clawback took the match back.")]
    public required bool Reversed { get; init; }
}

[Description("A donation as its partner sees it.")]
public sealed record Donation
{
    public required string DonationId { get; init; }
    public required string PartnerId { get; init; }
    public required string ProjectId { get; init; }
    public required string CampaignId { get; init; }

    [Description("Null for a merchant gift.")]
    public string? DonorId { get; init; }

    [Description("A merchant gift's merchant (SPEC §7); null for a person's gift.")]
    public string? MerchantId { get; init; }

    [Description("A merchant gift's orders; null for a person's gift.")]
    public int? OrderCount { get; init; }

    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public string? TeamId { get; init; }
    public string? Channel { get; init; }
    public string? PledgeId { get; init; }

    [Description("A points gift: the points it used (the fewest that pay its amount).")]
    public long? Points { get; init; }

    public string? PointsProgram { get; init; }

    [Description("accepted or refunded.")]
    public required string Status { get; init; }

    public required DateTimeOffset AcceptedAt { get; init; }
    public DateTimeOffset? RefundedAt { get; init; }
    public required IReadOnlyList<DonationMatch> Matches { get; init; }

    [Description("The sum of the matches not reversed, in fen.")]
    public required long MatchedTotal { get; init; }

    [Description("True when this answers a repeat of an earlier post (same payload): nothing changed.")]
    public required bool Replayed { get; init; }
}

public sealed record DonationBatchItem
{
    [Description("The item's 0-based position in the batch.")]
    public required int Index { get; init; }

    [Description("The status a single post of this item would have answered.")]
    public required int Status { get; init; }

    public Donation? Donation { get; init; }
    [Description("The problem a single post of this item would have answered.")]
    public Microsoft.AspNetCore.Mvc.ProblemDetails? Error { get; init; }
}

public sealed record DonationBatchResult
{
    public required IReadOnlyList<DonationBatchItem> Results { get; init; }
}
