using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching.Model;
using System.Globalization;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The fixed cast of a simulated campaign: partners × donors, many projects with one hot one,
/// a few pools. Small sets on purpose, so that donors, projects and pools collide often.
/// </summary>
internal static class SimCampaign
{
    public static readonly string[] Partners = ["tencent", "alipay", "jd"];
    public static readonly string[] PoolIds = ["A", "b", "C", "d"];
    public const int DonorsPerPartner = 8;
    public const int ProjectCount = 12;

    /// <summary>The project of the evening's TV appeal: four donations in ten go to it.</summary>
    public const string HotProject = "pr0";

    /// <summary>23:30 in Shanghai: the first local midnight, and a new day's tranche, come early.</summary>
    public static readonly DateTimeOffset Start = new(2025, 9, 9, 15, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// A giving day runs three local days (99 Giving Day: 7–9 September); after its end the
    /// clock only ticks, so a long run does not drift into weeks of one donation a day.
    /// </summary>
    public static readonly DateTimeOffset Ends = new(2025, 9, 13, 0, 0, 0, TimeSpan.FromHours(8));

    public static string Donor(int index) => $"d{index}";

    public static string Project(int index) => $"pr{index}";

    /// <summary>Every partner has a "d0": a clawback names a bare donor id and reaches them all.</summary>
    public static IEnumerable<DonorKey> Donors =>
        Partners.SelectMany(p => Enumerable.Range(0, DonorsPerPartner).Select(i => new DonorKey(p, Donor(i))));

    public static IEnumerable<string> Projects => Enumerable.Range(0, ProjectCount).Select(Project);

    public static PoolRules Pool(Random random, string poolId)
    {
        long? Maybe(int percent, long min, long max) => random.Next(100) < percent ? random.NextInt64(min, max + 1) : null;
        var ratioKind = random.Next(100);
        return new PoolRules
        {
            PoolId = poolId,
            CampaignId = Scenario.Campaign,
            // Some budgets run dry within minutes, most last until a tranche or a cap binds first.
            BudgetFen = random.Next(10) < 3 ? random.NextInt64(0, 50_001) : random.NextInt64(100_000, 1_500_001),
            RatioBps = ratioKind switch
            {
                < 60 => new[] { 10_000, 5_000, 20_000, 3_333 }[random.Next(4)],
                < 75 => random.Next(1, 30_001),
                _ => null,
            },
            RandomRatioBps = ratioKind >= 75 ? Range(random.Next(1, 20_001), random.Next(0, 20_001)) : null,
            PerDonationCapFen = Maybe(40, 1, 5_000),
            PerDonorDailyCapFen = Maybe(40, 0, 20_000),
            PerDonorDailyCount = (int?)Maybe(20, 0, 40),
            PerDonorMinuteCount = (int?)Maybe(10, 1, 4),
            PerProjectCapFen = Maybe(40, 0, 200_000),
            // Daily tranches are the point of crossing midnights, so most pools have one.
            DailyBudgetFen = Maybe(60, 0, 300_000),
            // Tranches open in the morning, e.g. at 10:00.
            DailyOpensAt = Maybe(20, 0, 12 * 60) is { } minute ? TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(minute)) : null,
            MinDonationFen = Maybe(20, 1, 500),
            ProjectIds = random.Next(100) < 30 ? Scope(random) : null,
            StartsAt = Maybe(15, -60, 600) is { } startMinutes ? Start.AddMinutes(startMinutes) : null,
            EndsAt = Maybe(15, 0, 3_000) is { } endMinutes ? Start.AddMinutes(endMinutes) : null,
            Priority = random.Next(-1, 2),
            Paused = random.Next(10) == 0,
        };
    }

    /// <summary>Mostly small gifts, some large ones that take a limit in one go.</summary>
    public static long AmountFen(Random random) => random.Next(10) switch
    {
        < 6 => random.NextInt64(1, 1_001),
        < 9 => random.NextInt64(1_000, 5_001),
        _ => random.NextInt64(5_000, 50_001),
    };

    /// <summary>
    /// A manager's PATCH. Pause, resume and ratio are read as the reference tests read them
    /// (<see cref="CampaignGen.Apply"/>); budgets, caps and counts on this campaign's scale, where
    /// a tenth of the changes lift the limit altogether.
    /// </summary>
    public static PoolRules Patch(PoolRules pool, PoolChange kind, long value) => kind switch
    {
        PoolChange.BudgetDelta => pool with { BudgetFen = Math.Max(0, pool.BudgetFen + value) },
        PoolChange.DailyBudget => pool with { DailyBudgetFen = Limit(value, 300_000) },
        PoolChange.PerDonorDailyCap => pool with { PerDonorDailyCapFen = Limit(value, 20_000) },
        PoolChange.PerProjectCap => pool with { PerProjectCapFen = Limit(value, 200_000) },
        PoolChange.PerDonorDailyCount => pool with { PerDonorDailyCount = (int?)Limit(value, 30) },
        PoolChange.PerDonorMinuteCount => pool with { PerDonorMinuteCount = (int?)Limit(value, 4) },
        _ => CampaignGen.Apply(pool, kind, value),
    };

    public static string Describe(PoolRules p) =>
        $"pool {p.PoolId}: budget {p.BudgetFen}, ratio {p.RatioBps?.ToString(CultureInfo.InvariantCulture) ?? "-"}, " +
        $"random {p.RandomRatioBps?.MinBps}..{p.RandomRatioBps?.MaxBps}, perDonation {p.PerDonationCapFen}, " +
        $"perDonorDaily {p.PerDonorDailyCapFen}, perDonorCount {p.PerDonorDailyCount}, perMinute {p.PerDonorMinuteCount}, " +
        $"perProject {p.PerProjectCapFen}, daily {p.DailyBudgetFen}, opens {p.DailyOpensAt}, min {p.MinDonationFen}, " +
        $"projects [{(p.ProjectIds is null ? "all" : string.Join(",", p.ProjectIds.Order(StringComparer.Ordinal)))}], " +
        $"window {p.StartsAt:O}..{p.EndsAt:O}, priority {p.Priority}, paused {p.Paused}";

    private static long? Limit(long value, long max) => value % 10 == 0 ? null : Math.Abs(value) % (max + 1);

    private static RatioRange Range(int minBps, int spanBps) => new(minBps, minBps + spanBps);

    private static IReadOnlySet<string> Scope(Random random)
    {
        var scope = Projects.Where(_ => random.Next(3) == 0).ToHashSet(StringComparer.Ordinal);
        if (random.Next(2) == 0)
        {
            scope.Add(HotProject);
        }
        if (scope.Count == 0)
        {
            scope.Add(Project(random.Next(ProjectCount)));
        }
        return scope;
    }
}
