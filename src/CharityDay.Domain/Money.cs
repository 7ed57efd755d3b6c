namespace CharityDay.Domain;

/// <summary>Limits on money, all in fen (CNY 0.01). No floating point touches money.</summary>
public static class Money
{
    public const long MinDonationFen = 1;
    public const long MaxDonationFen = 100_000_000;

    /// <summary>10^15 fen: far above any sponsor's budget, far below overflow when summed.</summary>
    public const long MaxBudgetFen = 1_000_000_000_000_000;

    public const int BasisPointsPerUnit = 10_000;

    /// <summary>Ratios from 1 bp up to 10:1.</summary>
    public const int MinRatioBps = 1;
    public const int MaxRatioBps = 100_000;

    /// <summary>floor(amount × ratio / 10000); cannot overflow for amounts and ratios in range.</summary>
    public static long ApplyRatio(long amountFen, int ratioBps) => amountFen * ratioBps / BasisPointsPerUnit;
}
