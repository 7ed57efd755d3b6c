namespace CharityDay.Rehearsal.Scenario;

public sealed record RatioRange(int Min, int Max);

/// <summary>A matching pool as the rehearsal creates it (SPEC §3 fields; money in fen).</summary>
public sealed record PoolPlan(
    string Key,
    string Sponsor,
    long BudgetFen,
    int Priority,
    int? RatioBps = 10_000,
    RatioRange? RandomRatioBps = null,
    long? PerDonationCapFen = null,
    long? PerDonorDailyCapFen = null,
    int? PerDonorDailyCount = null,
    int? PerDonorMinuteCount = null,
    long? PerProjectCapFen = null,
    long? DailyBudgetFen = null,
    long? MinDonationFen = null,
    IReadOnlyList<string>? ProjectIds = null,
    bool StartsPaused = false)
{
    public const string Flash = "flash";
    public const string Main = "main";
    public const string Family = "family";
    public const string Lucky = "lucky";

    public string PoolId(string campaignId) => $"{campaignId}-{Key}";

    /// <summary>
    /// A fixed ratio, no caps and the whole campaign in scope: a donation's "want" is known exactly,
    /// so "no stranded budget" (SPEC §3, invariant 2) can be checked from the answers alone.
    /// </summary>
    public bool WantIsExact =>
        RatioBps is not null && RandomRatioBps is null && PerDonationCapFen is null && PerDonorDailyCapFen is null
        && PerDonorDailyCount is null && PerDonorMinuteCount is null && PerProjectCapFen is null && DailyBudgetFen is null
        && MinDonationFen is null && ProjectIds is null;

    public long Want(long amountFen) => RatioBps is { } ratio ? amountFen * ratio / 10_000 : 0;
}
