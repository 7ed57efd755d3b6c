using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Writing;

/// <summary>SPEC §7 points gifts on the write path: the conversion pool's payment becomes the gift's amount.</summary>
public sealed partial class CampaignWritePath<TRequest, TRow>
{
    /// <summary>
    /// The book has let the first conversion pool of the gift's programme that could pay a fen pay it
    /// (at most the points' worth, within the pool's budget, daily budget and caps: partial at the
    /// budget's end). The gift's amount is that payment, and it used the fewest points that pay it.
    /// </summary>
    /// <returns>The facts with the paid amount and points used, or null when no pool paid (nothing was recorded).</returns>
    private DonationFacts? ConvertPoints(DonationFacts facts, IReadOnlyList<PoolMatch> matches)
    {
        if (matches is not [{ AmountFen: > 0 } payment] || Book.Pool(payment.PoolId) is not { IsConversionPool: true } pool)
        {
            return null;
        }
        return facts with
        {
            AmountFen = payment.AmountFen,
            PointsUsed = PointsConversion.PointsUsed(payment.AmountFen, pool.FenPer1000Points, facts.PointsOffered),
        };
    }
}
