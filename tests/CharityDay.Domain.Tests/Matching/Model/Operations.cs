using CharityDay.Domain.Matching;
using System.Globalization;
using CsCheck;

namespace CharityDay.Domain.Tests.Matching.Model;

/// <summary>One step of a random campaign. Indices pick from small fixed sets so donors, projects and pools collide often.</summary>
internal abstract record Op;

/// <summary>
/// The clock moves forward by <paramref name="AdvanceMs"/>, then a donation is accepted; with
/// <paramref name="Points"/> &gt; 0 it is a points gift (SPEC §7) of programme <c>Programs[Program]</c> instead of <paramref name="AmountFen"/>.
/// </summary>
internal sealed record GiveOp(int Partner, int Donor, int Project, long AmountFen, long AdvanceMs, long Points = 0, int Program = 0) : Op;

/// <summary>
/// The clock moves on to the next instant where some pool's rules flip — a window's start or
/// end, a daily opening, local midnight — or to one tick before it.
/// </summary>
internal sealed record BoundaryOp(bool TickBefore) : Op;

/// <summary>Refunds the (Pick mod count)-th donation so far; refunding twice is a no-op.</summary>
internal sealed record RefundOp(int Pick) : Op;

/// <summary>Clawback: flags a donor id on a pool and reverses every match the pool gave it.</summary>
internal sealed record FlagOp(int Pool, int Donor) : Op;

internal enum PoolChange
{
    BudgetDelta,
    Pause,
    Resume,
    Ratio,
    DailyBudget,
    PerDonorDailyCap,
    PerProjectCap,
    PerDonorDailyCount,
    PerDonorMinuteCount,
    MerchantGifts,
}

/// <summary>A manager's live change of one pool; <paramref name="Value"/> is read per kind.</summary>
internal sealed record ChangeOp(int Pool, PoolChange Kind, long Value) : Op;

/// <summary>The book forgets past days and quiet donors, as its owner does now and then.</summary>
internal sealed record PruneOp : Op;

/// <summary>The book is rebuilt from the ledger (the model's live matches), as after a restart.</summary>
internal sealed record RebuildOp : Op;

internal sealed record Campaign(PoolRules[] Pools, DateTimeOffset Start, Op[] Ops)
{
    /// <summary>What a failing run prints: every pool's rules that are set, and every step.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, Pools.Select(Describe).Prepend($"start {Start:O}").Concat(Ops.Select((op, i) => $"{i + 1}. {op}")));

    private static string Describe(PoolRules p) =>
        $"pool {p.PoolId}: budget {p.BudgetFen}, ratio {p.RatioBps?.ToString(CultureInfo.InvariantCulture) ?? "-"}, " +
        $"random {p.RandomRatioBps?.MinBps}..{p.RandomRatioBps?.MaxBps}, perDonation {p.PerDonationCapFen}, " +
        $"perDonorDaily {p.PerDonorDailyCapFen}, perDonorCount {p.PerDonorDailyCount}, perMinute {p.PerDonorMinuteCount}, " +
        $"perProject {p.PerProjectCapFen}, daily {p.DailyBudgetFen}, opens {p.DailyOpensAt}, min {p.MinDonationFen}, " +
        $"projects [{(p.ProjectIds is null ? "all" : string.Join(",", p.ProjectIds.Order(StringComparer.Ordinal)))}], " +
        $"window {p.StartsAt:O}..{p.EndsAt:O}, priority {p.Priority}, paused {p.Paused}, points {p.PointsProgram} at {p.FenPer1000Points}, merchantGifts {p.MerchantGifts}";
}

internal static class CampaignGen
{
    public static readonly string[] PoolIds = ["A", "b", "C", "P", "Q"];

    /// <summary>Loyalty programmes of points gifts: the conversion pools P and Q take "pts"; nothing takes "other".</summary>
    public static readonly string[] Programs = ["pts", "other"];
    public static readonly string[] Partners = ["tencent", "alipay"];
    public const int DonorCount = 4;

    /// <summary>Merchants (SPEC §7) "d0" and "d1": the same ids as two persons, and other donors for every rule.</summary>
    public const int MerchantCount = 2;

    public const int GiverCount = DonorCount + MerchantCount;
    public const int ProjectCount = 3;

    /// <summary>22:00 in Shanghai, so campaigns start around local midnight more often than not.</summary>
    public static readonly DateTimeOffset Base = new(2025, 9, 9, 14, 0, 0, TimeSpan.Zero);

    public static string Donor(int index) => index < DonorCount ? $"d{index}" : CharityDay.Domain.Giving.MerchantDonor.DonorOf($"d{index - DonorCount}");

    public static string Project(int index) => $"pr{index}";

    private static Gen<T?> Maybe<T>(Gen<T> gen, int nullWeight = 1, int valueWeight = 2) where T : struct =>
        Gen.Frequency((nullWeight, Gen.Const((T?)null)), (valueWeight, gen.Select(x => (T?)x)));

    private static readonly Gen<(int? Fixed, RatioRange? Random)> Ratio =
        Gen.Frequency(
            (3, Gen.OneOf(10_000, 5_000, 20_000, 3_333, 1, Money.MaxRatioBps).Select(r => ((int?)r, (RatioRange?)null))),
            (1, Gen.Int[1, 30_000].Select(r => ((int?)r, (RatioRange?)null))),
            (2, Gen.Select(Gen.Int[1, 20_000], Gen.Int[0, 20_000], (min, span) => ((int?)null, (RatioRange?)new RatioRange(min, min + span)))));

    /// <summary>Mostly on a whole minute, so a clock moved to a whole minute can land on it exactly.</summary>
    private static readonly Gen<TimeOnly> OpensAt =
        Gen.Frequency(
            (2, Gen.Int[0, 24 * 60 - 1].Select(m => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(m)))),
            (1, Gen.Int[0, 86_399].Select(s => TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(s)))));

    private static readonly Gen<IReadOnlySet<string>?> Scope =
        Gen.Frequency(
            (2, Gen.Const((IReadOnlySet<string>?)null)),
            (1, Gen.Int[1, (1 << ProjectCount) - 1].Select(mask => (IReadOnlySet<string>?)Enumerable.Range(0, ProjectCount)
                .Where(i => (mask & (1 << i)) != 0).Select(Project).ToHashSet(StringComparer.Ordinal))));

    private static Gen<PoolRules> Pool(string poolId) =>
        from budget in Gen.Long[0, 20_000]
        from ratio in Ratio
        from perDonation in Maybe(Gen.Long[1, 3_000])
        from perDonorDaily in Maybe(Gen.Long[0, 5_000])
        from perDonorCount in Maybe(Gen.Int[0, 4])
        from perMinute in Maybe(Gen.Int[0, 3], nullWeight: 2, valueWeight: 1)
        from perProject in Maybe(Gen.Long[0, 10_000])
        from daily in Maybe(Gen.Long[0, 8_000])
        from opensAt in Maybe(OpensAt, nullWeight: 3, valueWeight: 1)
        from minDonation in Maybe(Gen.Long[1, 500], nullWeight: 2, valueWeight: 1)
        from scope in Scope
        from starts in Maybe(Gen.Int[-60, 30 * 60].Select(m => Base.AddMinutes(m)), nullWeight: 3, valueWeight: 1)
        from ends in Maybe(Gen.Int[0, 48 * 60].Select(m => Base.AddMinutes(m)), nullWeight: 3, valueWeight: 1)
        from priority in Gen.Int[-1, 1]
        from paused in Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true)))
        from merchantGifts in Gen.Bool
        select new PoolRules
        {
            PoolId = poolId,
            CampaignId = Scenario.Campaign,
            BudgetFen = budget,
            RatioBps = ratio.Fixed,
            RandomRatioBps = ratio.Random,
            PerDonationCapFen = perDonation,
            PerDonorDailyCapFen = perDonorDaily,
            PerDonorDailyCount = perDonorCount,
            PerDonorMinuteCount = perMinute,
            PerProjectCapFen = perProject,
            DailyBudgetFen = daily,
            DailyOpensAt = opensAt,
            MinDonationFen = minDonation,
            ProjectIds = scope,
            StartsAt = starts,
            EndsAt = ends,
            Priority = priority,
            Paused = paused,
            MerchantGifts = merchantGifts,
        };

    /// <summary>A conversion pool (SPEC §7): a pool's limits with a points rate instead of a ratio.</summary>
    private static Gen<PoolRules> ConversionPool(string poolId) =>
        from pool in Pool(poolId)
        from rate in Gen.Frequency((3, Gen.OneOf(1L, 250L, 1_000L, 3_000L)), (1, Gen.Long[1, 100_000]))
        select pool with { RatioBps = null, RandomRatioBps = null, PointsProgram = Programs[0], FenPer1000Points = rate };

    /// <summary>Mostly bursts within a minute, sometimes hours, now and then past a local midnight.</summary>
    private static readonly Gen<long> AdvanceMs =
        Gen.Frequency(
            (1, Gen.Const(0L)),
            (4, Gen.Long[0, 5_000]),
            (4, Gen.Long[5_000, 70_000]),
            (1, Gen.Const(60_000L)),
            (2, Gen.Long[60_000, 3 * 3_600_000]),
            (1, Gen.Long[3 * 3_600_000, 30 * 3_600_000]));

    private static readonly Gen<long> AmountFen =
        Gen.Frequency((6, Gen.Long[1, 1_000]), (3, Gen.Long[1_000, 20_000]), (1, Gen.Long[1, Money.MaxDonationFen]));

    private static readonly Gen<Op> AnyOp =
        Gen.Frequency(
            (12, Gen.Select(Gen.Int[0, Partners.Length - 1], Gen.Int[0, GiverCount - 1], Gen.Int[0, ProjectCount - 1], AmountFen, AdvanceMs,
                (partner, donor, project, amount, advance) => (Op)new GiveOp(partner, donor, project, amount, advance))),
            (4, Gen.Select(Gen.Int[0, Partners.Length - 1], Gen.Int[0, GiverCount - 1], Gen.Int[0, ProjectCount - 1],
                Gen.Frequency((6, Gen.Long[1, 5_000]), (3, Gen.Long[5_000, 2_000_000]), (1, Gen.Long[1, 1_000_000_000_000])),
                Gen.Select(AdvanceMs, Gen.Frequency((4, Gen.Const(0)), (1, Gen.Const(1))), (advance, program) => (advance, program)),
                (partner, donor, project, points, t) => (Op)new GiveOp(partner, donor, project, 0, t.Item1, points, t.Item2))),
            (2, Gen.Int[0, 1_000].Select(pick => (Op)new RefundOp(pick))),
            (1, Gen.Select(Gen.Int[0, PoolIds.Length - 1], Gen.Int[0, GiverCount - 1], (pool, donor) => (Op)new FlagOp(pool, donor))),
            (3, Gen.Select(Gen.Int[0, PoolIds.Length - 1], Gen.Int[0, Enum.GetValues<PoolChange>().Length - 1], Gen.Long[-15_000, 15_000],
                (pool, kind, value) => (Op)new ChangeOp(pool, (PoolChange)kind, value))),
            (2, Gen.Bool.Select(before => (Op)new BoundaryOp(before))),
            (1, Gen.Const<Op>(new PruneOp())),
            (1, Gen.Const<Op>(new RebuildOp())));

    /// <summary>Applies a live change to a pool's rules.</summary>
    public static PoolRules Apply(PoolRules pool, PoolChange kind, long value) => kind switch
    {
        PoolChange.BudgetDelta => pool with { BudgetFen = Math.Max(0, pool.BudgetFen + value) },
        PoolChange.Pause => pool with { Paused = true },
        PoolChange.Resume => pool with { Paused = false },
        PoolChange.Ratio => pool with { RatioBps = 1 + (int)(Math.Abs(value) % 30_000), RandomRatioBps = null },
        PoolChange.DailyBudget => pool with { DailyBudgetFen = OrNone(value, Math.Abs(value) % 8_000) },
        PoolChange.PerDonorDailyCap => pool with { PerDonorDailyCapFen = OrNone(value, Math.Abs(value) % 5_000) },
        PoolChange.PerProjectCap => pool with { PerProjectCapFen = OrNone(value, Math.Abs(value) % 10_000) },
        PoolChange.PerDonorDailyCount => pool with { PerDonorDailyCount = (int?)OrNone(value, Math.Abs(value) % 5) },
        PoolChange.PerDonorMinuteCount => pool with { PerDonorMinuteCount = (int?)OrNone(value, Math.Abs(value) % 4) },
        PoolChange.MerchantGifts => pool with { MerchantGifts = value % 2 == 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A fifth of the changes remove the limit altogether.</summary>
    private static long? OrNone(long value, long limit) => value < -9_000 ? null : limit;

    /// <summary>Declared last: static fields initialise in text order and this one uses all the others.</summary>
    public static readonly Gen<Campaign> Any =
        Gen.Select(
            Pool(PoolIds[0]), Pool(PoolIds[1]), Pool(PoolIds[2]),
            Gen.Select(ConversionPool(PoolIds[3]), ConversionPool(PoolIds[4]), (p, q) => (p, q)),
            Gen.Int[0, 24 * 60],
            AnyOp.Array[1, 60],
            (a, b, c, pq, startMinutes, ops) => new Campaign([a, b, c, pq.Item1, pq.Item2], Base.AddMinutes(startMinutes), ops));
}
