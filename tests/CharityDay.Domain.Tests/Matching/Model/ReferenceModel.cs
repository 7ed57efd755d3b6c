using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Model;

/// <summary>One match as the reference remembers it; it stops being live when refunded or clawed back.</summary>
internal sealed class RefMatch(string poolId, DonationKey donation, string projectId, DonorKey donor, DateOnly day, long amountFen)
{
    public string PoolId { get; } = poolId;
    public DonationKey Donation { get; } = donation;
    public string ProjectId { get; } = projectId;
    public DonorKey Donor { get; } = donor;
    public DateOnly Day { get; } = day;
    public long AmountFen { get; } = amountFen;
    public bool Live { get; set; } = true;

    public MatchRecord ToRecord() => new(PoolId, ProjectId, Donor, Day, AmountFen);
}

/// <summary>One pool's decision for one donation, with why it was not more.</summary>
internal sealed record RefDecision(string PoolId, int RatioBps, long WantFen, long MatchFen, string? Ineligible);

/// <summary>
/// SPEC §3 written the slow, obvious way, with no code shared with the book but the random draw
/// (whose hash the spec leaves open): it keeps every donation and every match in a list and
/// recomputes each sum with LINQ for every decision. Shanghai has kept UTC+8 without daylight
/// saving since 1991, so "today" is a fixed offset here rather than a time-zone lookup.
/// </summary>
internal sealed class ReferenceModel
{
    public static readonly TimeSpan LocalOffset = TimeSpan.FromHours(8);
    public static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, PoolRules> _pools = new(StringComparer.Ordinal);

    public List<DonationFacts> Donations { get; } = [];
    public HashSet<DonationKey> Refunded { get; } = [];
    public List<RefMatch> Matches { get; } = [];
    public HashSet<(string PoolId, DonorKey Donor)> Flagged { get; } = [];

    public IEnumerable<PoolRules> Pools => _pools.Values;

    public PoolRules Pool(string poolId) => _pools[poolId];

    public void SetPool(PoolRules pool) => _pools[pool.PoolId] = pool;

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(LocalOffset).DateTime);

    public static TimeOnly TimeOfDay(DateTimeOffset at) => TimeOnly.FromDateTime(at.ToOffset(LocalOffset).DateTime);

    public IEnumerable<RefMatch> Live(string poolId) => Matches.Where(m => m.Live && m.PoolId == poolId);

    public long Matched(string poolId) => Live(poolId).Sum(m => m.AmountFen);

    public long MatchedOn(string poolId, DateOnly day) => Live(poolId).Where(m => m.Day == day).Sum(m => m.AmountFen);

    public long MatchedFor(string poolId, string projectId) =>
        Live(poolId).Where(m => m.ProjectId == projectId).Sum(m => m.AmountFen);

    public long MatchedTo(string poolId, DonorKey donor, DateOnly day) =>
        Live(poolId).Where(m => m.Donor == donor && m.Day == day).Sum(m => m.AmountFen);

    public int CountTo(string poolId, DonorKey donor, DateOnly day) =>
        Live(poolId).Count(m => m.Donor == donor && m.Day == day);

    public int DonationsInMinute(DonorKey donor, DateTimeOffset at) =>
        Donations.Count(d => d.Donor == donor && d.AcceptedAt > at - Minute && d.AcceptedAt <= at);

    /// <summary>Decides every covering pool in (priority, ordinal poolId) order and records the matches.</summary>
    public IReadOnlyList<RefDecision> Accept(DonationFacts donation)
    {
        Donations.Add(donation);
        var decisions = new List<RefDecision>();
        var stack = _pools.Values.OrderBy(p => p.Priority).ThenBy(p => p.PoolId, StringComparer.Ordinal);
        foreach (var pool in stack.Where(p => p.ProjectIds is null || p.ProjectIds.Contains(donation.ProjectId)))
        {
            var decision = Decide(pool, donation);
            decisions.Add(decision);
            if (decision.MatchFen > 0)
            {
                Matches.Add(new RefMatch(pool.PoolId, donation.Key, donation.ProjectId, donation.Donor,
                    DayOf(donation.AcceptedAt), decision.MatchFen));
                if (donation.PointsProgram is not null)
                {
                    // SPEC §7: one conversion pool pays a points gift.
                    break;
                }
            }
        }
        if (donation.PointsProgram is not null && decisions.All(d => d.MatchFen == 0))
        {
            // SPEC §7: a points gift no pool pays is refused, and nothing of it is recorded.
            Donations.Remove(donation);
        }
        return decisions;
    }

    private RefDecision Decide(PoolRules pool, DonationFacts donation)
    {
        var day = DayOf(donation.AcceptedAt);
        var ratio = pool.RandomRatioBps is { } range
            ? RandomRatio.Draw(range, pool.Seed, pool.PoolId, donation.Key.PartnerId, donation.Key.DonationId)
            : pool.RatioBps ?? 0;
        // SPEC §7: a conversion pool pays the points' worth, floor(points × rate / 1000), at most one donation's largest amount.
        // (Points ≤ 10^12 and rates ≤ 10^5 here: the product fits a long.)
        var worth = pool.PointsProgram is null ? donation.AmountFen
            : Math.Min(donation.PointsOffered * pool.FenPer1000Points / 1000, Money.MaxDonationFen);
        if (pool.PointsProgram is not null)
        {
            ratio = 10_000;
        }
        var want = pool.PointsProgram is null ? donation.AmountFen * ratio / 10_000 : worth;
        if (pool.PerDonationCapFen is { } cap && want > cap)
        {
            want = cap;
        }
        var reason = pool.PointsProgram != donation.PointsProgram ? "another points programme" : IneligibleBecause(pool, donation, day, worth);
        if (reason is not null)
        {
            return new RefDecision(pool.PoolId, ratio, want, 0, reason);
        }
        var left = new List<long> { pool.BudgetFen - Matched(pool.PoolId) };
        if (pool.DailyBudgetFen is { } daily)
        {
            left.Add(daily - MatchedOn(pool.PoolId, day));
        }
        if (pool.PerProjectCapFen is { } perProject)
        {
            left.Add(perProject - MatchedFor(pool.PoolId, donation.ProjectId));
        }
        if (pool.PerDonorDailyCapFen is { } perDonor)
        {
            left.Add(perDonor - MatchedTo(pool.PoolId, donation.Donor, day));
        }
        return new RefDecision(pool.PoolId, ratio, want, Math.Max(0, Math.Min(want, left.Min())), null);
    }

    private string? IneligibleBecause(PoolRules pool, DonationFacts donation, DateOnly day, long amountFen)
    {
        var at = donation.AcceptedAt;
        return pool switch
        {
            { Paused: true } => "paused",
            // SPEC §7: only merchantGifts pools match a merchant's gift; its donor string is the merchant's.
            { MerchantGifts: false } when donation.DonorId.StartsWith("merchant/", StringComparison.Ordinal) => "a merchant gift",
            _ when Flagged.Contains((pool.PoolId, donation.Donor)) => "flagged",
            { StartsAt: { } starts } when at < starts => "before the window",
            { EndsAt: { } ends } when at >= ends => "after the window",
            { DailyOpensAt: { } opens } when TimeOfDay(at) < opens => "before the daily opening",
            { MinDonationFen: { } min } when amountFen < min => "below the minimum",
            { PerDonorDailyCount: { } count } when CountTo(pool.PoolId, donation.Donor, day) >= count => "daily count used",
            { PerDonorMinuteCount: { } perMinute } when DonationsInMinute(donation.Donor, at) > perMinute => "too many this minute",
            _ => null,
        };
    }
}
