namespace CharityDay.Contracts;

[GenerateSerializer, Immutable, Alias("cd.DonationRequest")]
public sealed record DonationRequest(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string DonationId,
    [property: Id(2)] string ProjectId,
    [property: Id(3)] string DonorId,
    [property: Id(4)] long AmountFen,
    [property: Id(5)] string Currency,
    [property: Id(6)] DateTimeOffset? OccurredAt,
    [property: Id(7)] string? TeamId,
    [property: Id(8)] string? Channel,
    [property: Id(9)] string? PledgeId = null,
    [property: Id(10)] long? Points = null,
    [property: Id(11)] string? PointsProgram = null,
    [property: Id(12)] int? OrderCount = null)
{
    /// <summary>SPEC §7: a points gift (<c>points</c> and <c>pointsProgram</c> instead of <c>amount</c>, which is 0 here).</summary>
    public bool IsPointsGift => PointsProgram is not null;

    /// <summary>SPEC §7: a merchant gift's <see cref="DonorId"/> is <see cref="Domain.Giving.MerchantDonor.DonorOf"/> its merchant.</summary>
    public string? MerchantId => Domain.Giving.MerchantDonor.MerchantOf(DonorId);
}

[GenerateSerializer, Immutable, Alias("cd.MatchView")]
public sealed record MatchView(
    [property: Id(0)] string PoolId,
    [property: Id(1)] long AmountFen,
    [property: Id(2)] int RatioBps,
    [property: Id(3)] bool Reversed);

[GenerateSerializer, Immutable, Alias("cd.DonationView")]
public sealed record DonationView(
    [property: Id(0)] string DonationId,
    [property: Id(1)] string PartnerId,
    [property: Id(2)] string ProjectId,
    [property: Id(3)] string CampaignId,
    [property: Id(4)] string DonorId,
    [property: Id(5)] long AmountFen,
    [property: Id(6)] string Currency,
    [property: Id(7)] DateTimeOffset? OccurredAt,
    [property: Id(8)] string? TeamId,
    [property: Id(9)] string? Channel,
    [property: Id(10)] string Status,
    [property: Id(11)] DateTimeOffset AcceptedAt,
    [property: Id(12)] IReadOnlyList<MatchView> Matches,
    [property: Id(13)] DateTimeOffset? RefundedAt,
    [property: Id(14)] string? PledgeId = null,
    [property: Id(15)] long? Points = null,
    [property: Id(16)] string? PointsProgram = null,
    [property: Id(17)] int? OrderCount = null)
{
    /// <summary>SPEC §7: a merchant gift's <see cref="DonorId"/> is its merchant's donor string; these are the two ids as the API shows them.</summary>
    public string? MerchantId => Domain.Giving.MerchantDonor.MerchantOf(DonorId);

    public string? PersonDonorId => Domain.Giving.MerchantDonor.PersonOf(DonorId);
}

public static class DonationStatus
{
    public const string Accepted = "accepted";
    public const string Refunded = "refunded";
}

/// <summary>Expected outcomes of posting a donation are values, not exceptions.</summary>
public enum DonationResultKind
{
    Created,
    Replayed,
    Conflict,
    ProjectNotFound,
    ProjectClosed,

    /// <summary>SPEC §7: the pledge is unknown or cancelled, or the gift does not match its terms (422).</summary>
    PledgeNotAllowed,

    /// <summary>SPEC §7: the pledge was already charged this campaign-local month (409).</summary>
    PledgeAlreadyCharged,

    /// <summary>SPEC §7: no conversion pool of the program can pay a fen for the points (422, nothing recorded).</summary>
    PointsNotConvertible,
    Overloaded,
    Failed,
}

[GenerateSerializer, Immutable, Alias("cd.DonationOutcome")]
public sealed record DonationOutcome(
    [property: Id(0)] DonationResultKind Kind,
    [property: Id(1)] DonationView? Donation,
    [property: Id(2)] string? Detail)
{
    public static DonationOutcome Of(DonationResultKind kind, string detail) => new(kind, null, detail);
}

public enum RefundResultKind
{
    Refunded,
    AlreadyRefunded,
    NotFound,
    /// <summary>SPEC §6: the project has reported spending more than it would keep; nothing changed.</summary>
    ExceedsUnspent,
}

[GenerateSerializer, Immutable, Alias("cd.RefundOutcome")]
public sealed record RefundOutcome([property: Id(0)] RefundResultKind Kind, [property: Id(1)] DonationView? Donation);

