using CharityDay.Domain;

namespace CharityDay.Storage.Ledger;

/// <summary>One donation row of the ledger. Times are stored as Unix milliseconds.</summary>
public sealed record LedgerDonation(
    string PartnerId,
    string DonationId,
    string CampaignId,
    string ProjectId,
    string DonorId,
    long AmountFen,
    string Currency,
    DateTimeOffset? OccurredAt,
    string? TeamId,
    string? Channel,
    DateTimeOffset AcceptedAt,
    DateOnly LocalDay,
    string Status,
    DateTimeOffset? RefundedAt,
    IReadOnlyList<LedgerMatch> Matches,
    string? PledgeId = null,
    long? Points = null,
    long? PointsOffered = null,
    string? PointsProgram = null,
    int? OrderCount = null)
{
    /// <summary>SPEC §7: a points gift, whose one match row is its conversion pool's payment of its own amount.</summary>
    public bool IsPointsGift => PointsProgram is not null;

    public DonationKey Key => new(PartnerId, DonationId);
}

/// <summary>One pool's match of one donation. A reversed match stays in the ledger, marked.</summary>
public sealed record LedgerMatch(string PoolId, long AmountFen, int RatioBps, DateTimeOffset? ReversedAt = null, string? Reversal = null)
{
    public bool IsLive => ReversedAt is null;
}

/// <summary>A match reversed by a clawback, with what the matching book needs to give it back.</summary>
public sealed record ReversedMatch(string PartnerId, string DonationId, string PoolId, string ProjectId, string DonorId, DateOnly LocalDay, long AmountFen, string? TeamId = null);

/// <summary>A second donation with a (partnerId, donationId) the ledger already holds.</summary>
public sealed class DuplicateDonationException(string message, Exception inner) : Exception(message, inner);
