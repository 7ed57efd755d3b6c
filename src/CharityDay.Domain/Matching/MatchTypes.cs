namespace CharityDay.Domain.Matching;

/// <summary>What the matching rules need to know about one donation being accepted.</summary>
/// <param name="IsPledgeGift">A monthly pledge's charge (SPEC §7): the only gifts <c>pledgesOnly</c> pools match.</param>
/// <param name="IsFirstCharge">The pledge's first charge: the only gifts <c>firstChargeOnly</c> pools match.</param>
/// <param name="PointsProgram">A points gift's loyalty programme (SPEC §7): only that programme's conversion pools pay it, and nothing matches it.</param>
/// <param name="PointsOffered">The points the donor offered; <paramref name="AmountFen"/> is 0 until a conversion pool has paid.</param>
/// <param name="PointsUsed">Once paid: the fewest of the offered points that pay <paramref name="AmountFen"/>.</param>
public sealed record DonationFacts(DonationKey Key, string DonorId, string ProjectId, long AmountFen, DateTimeOffset AcceptedAt,
    bool IsPledgeGift = false, bool IsFirstCharge = false, string? PointsProgram = null, long PointsOffered = 0, long PointsUsed = 0)
{
    public bool IsPointsGift => PointsProgram is not null;

    /// <summary>SPEC §7: a merchant's gift (its donor is the merchant): matched only by pools with <c>merchantGifts</c>.</summary>
    public bool IsMerchantGift => Giving.MerchantDonor.IsMerchant(DonorId);

    public DonorKey Donor => new(Key.PartnerId, DonorId);
}

/// <summary>One pool's match of one donation, with the ratio that was used.</summary>
public sealed record PoolMatch(string PoolId, long AmountFen, int RatioBps);

/// <summary>A match as the ledger remembers it, enough to reverse it exactly.</summary>
public sealed record MatchRecord(string PoolId, string ProjectId, DonorKey Donor, DateOnly Day, long AmountFen);

/// <summary>What a pool has spent so far, as far as one decision needs it.</summary>
public readonly record struct PoolUsage(
    long MatchedFen,
    long MatchedTodayFen,
    long MatchedForProjectFen,
    long MatchedToDonorTodayFen,
    int MatchedDonationsOfDonorToday,
    int DonationsOfDonorInLastMinute,
    bool DonorFlagged);
