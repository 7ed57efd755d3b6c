using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Writing;

/// <summary>
/// What the write path needs to know about its callers' requests and the ledger's rows, without
/// knowing their types: the grain maps its wire request and ledger row here, the seeded
/// simulation its own. Every method is pure.
/// </summary>
/// <typeparam name="TRequest">One posted donation, as the caller waits for it.</typeparam>
/// <typeparam name="TRow">A donation row as the ledger stores it, matches included.</typeparam>
public interface IDonationRows<TRequest, TRow>
{
    DonationKey KeyOf(TRequest request);

    string ProjectOf(TRequest request);

    DonorKey DonorOf(TRequest request);

    /// <summary>The monthly pledge the donation charges (SPEC §7), if any.</summary>
    string? PledgeOf(TRequest request) => null;

    /// <summary>Same payload = same donation (SPEC §2); anything else under the same id is a conflict.</summary>
    bool SamePayload(TRow stored, TRequest request);

    /// <summary>What the matching rules need of the request, stamped with its acceptance time.</summary>
    DonationFacts Facts(TRequest request, DateTimeOffset acceptedAt);

    /// <summary>The row the ledger will hold for a request the book has just matched (a points gift: with the facts' paid amount and points used).</summary>
    TRow Row(TRequest request, DonationFacts facts, DateOnly localDay, IReadOnlyList<PoolMatch> matches);

    /// <summary>The row's money as the totals and the book count it.</summary>
    RowFigures Figures(TRow row);
}

/// <summary>
/// A ledger row's money: its project, amount and live matches (enough to reverse each exactly), when
/// it was accepted, and the team and donor it counts for on the team board (SPEC §7; null: no team).
/// </summary>
/// <remarks>
/// A points gift (SPEC §7, <paramref name="Points"/> not null: the points it used) has one live "match":
/// its conversion pool's payment of its own amount, which the pool counts but no total counts as matched.
/// A merchant gift (SPEC §7) has the orders it covers in <paramref name="OrderCount"/> and the merchant as its donor.
/// </remarks>
public sealed record RowFigures(DonationKey Key, string ProjectId, long AmountFen, IReadOnlyList<MatchRecord> LiveMatches, DateTimeOffset AcceptedAt,
    string? TeamId = null, string? DonorId = null, long? Points = null, long? OrderCount = null)
{
    /// <summary>The merchant board's key of a merchant gift; null for a person's.</summary>
    public MerchantKey? Merchant => OrderCount is not null && DonorId is { } donor && MerchantDonor.MerchantOf(donor) is { } merchantId
        ? new MerchantKey(Key.PartnerId, merchantId)
        : null;

    /// <summary>What the totals count as matched: nothing for a points gift.</summary>
    public long MatchedFen => Points is null ? LiveMatches.Sum(m => m.AmountFen) : 0;
}
