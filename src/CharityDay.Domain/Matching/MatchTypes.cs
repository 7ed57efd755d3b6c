namespace CharityDay.Domain.Matching;

/// <summary>What the matching rules need to know about one donation being accepted.</summary>
/// <param name="IsPledgeGift">A monthly pledge's charge (SPEC §7): the only gifts <c>pledgesOnly</c> pools match.</param>
/// <param name="IsFirstCharge">The pledge's first charge: the only gifts <c>firstChargeOnly</c> pools match.</param>
public sealed record DonationFacts(DonationKey Key, string DonorId, string ProjectId, long AmountFen, DateTimeOffset AcceptedAt,
    bool IsPledgeGift = false, bool IsFirstCharge = false)
{
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
