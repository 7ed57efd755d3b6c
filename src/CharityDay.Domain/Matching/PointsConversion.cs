namespace CharityDay.Domain.Matching;

/// <summary>
/// SPEC §7's arithmetic of a points gift: what points are worth in a conversion pool and how many
/// of them a paid amount used. Integer only (no floating point touches money); 128-bit products so
/// no rate or points count can overflow.
/// </summary>
public static class PointsConversion
{
    /// <summary>The most points one gift may offer: 10^12, so a gift's worth never needs more than 128 bits.</summary>
    public const long MaxPoints = 1_000_000_000_000;

    /// <summary>The highest rate a conversion pool may set: 1000 points for 1,000,000 yuan.</summary>
    public const long MaxFenPer1000Points = Money.MaxDonationFen;

    /// <summary>floor(points × fenPer1000Points / 1000), at most one donation's largest amount (SPEC §2).</summary>
    public static long Worth(long points, long fenPer1000Points) =>
        points <= 0 || fenPer1000Points <= 0
            ? 0
            : (long)Int128.Min((Int128)points * fenPer1000Points / 1000, Money.MaxDonationFen);

    /// <summary>The fewest points that pay <paramref name="amountFen"/>: ceil(amount × 1000 / fenPer1000Points), at most those offered.</summary>
    public static long PointsUsed(long amountFen, long fenPer1000Points, long offered) =>
        (long)Int128.Min(((Int128)amountFen * 1000 + fenPer1000Points - 1) / fenPer1000Points, offered);
}
