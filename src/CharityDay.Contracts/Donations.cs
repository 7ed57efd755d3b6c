namespace CharityDay.Contracts;

[GenerateSerializer, Immutable, Alias("cd.DonationRequest")]
public sealed record DonationRequest(
    string PartnerId,
    string DonationId,
    string ProjectId,
    string DonorId,
    long AmountFen,
    string Currency,
    DateTimeOffset? OccurredAt,
    string? TeamId,
    string? Channel);

[GenerateSerializer, Immutable, Alias("cd.MatchView")]
public sealed record MatchView(string PoolId, long AmountFen, int RatioBps, bool Reversed);

[GenerateSerializer, Immutable, Alias("cd.DonationView")]
public sealed record DonationView(
    string DonationId,
    string PartnerId,
    string ProjectId,
    string CampaignId,
    string DonorId,
    long AmountFen,
    string Currency,
    DateTimeOffset? OccurredAt,
    string? TeamId,
    string? Channel,
    string Status,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<MatchView> Matches,
    DateTimeOffset? RefundedAt);

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
    Overloaded,
    Failed,
}

[GenerateSerializer, Immutable, Alias("cd.DonationOutcome")]
public sealed record DonationOutcome(DonationResultKind Kind, DonationView? Donation, string? Detail)
{
    public static DonationOutcome Of(DonationResultKind kind, string detail) => new(kind, null, detail);
}

public enum RefundResultKind
{
    Refunded,
    AlreadyRefunded,
    NotFound,
}

[GenerateSerializer, Immutable, Alias("cd.RefundOutcome")]
public sealed record RefundOutcome(RefundResultKind Kind, DonationView? Donation);

[GenerateSerializer, Immutable, Alias("cd.ClawbackOutcome")]
public sealed record ClawbackOutcome(string PoolId, string DonorId, int MatchesReversed, long AmountReturnedFen);
