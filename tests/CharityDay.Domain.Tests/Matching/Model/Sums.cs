using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Model;

internal enum Sum
{
    Matched,
    MatchCount,
    MatchedOnDay,
    MatchedForProject,
    MatchedToDonorOnDay,
    MatchedDonationsOfDonorOnDay,
}

/// <summary>One of the sums a pool keeps, e.g. (pool "A", matched to tencent/d1 on 2025-09-10).</summary>
internal readonly record struct SumKey(string PoolId, Sum What, DonorKey? Donor = null, DateOnly? Day = null, string? Project = null);

/// <summary>
/// Every sum of SPEC §3 recomputed from the reference's live matches, each with the limit that
/// invariant 1 puts on it under the pool's current rules (null: none), and read back from the book.
/// </summary>
internal static class Sums
{
    public static Dictionary<SumKey, (long Value, long? Limit)> Of(ReferenceModel model)
    {
        var sums = new Dictionary<SumKey, (long Value, long? Limit)>();
        foreach (var pool in model.Pools)
        {
            sums[new(pool.PoolId, Sum.Matched)] = (0, pool.BudgetFen);
            sums[new(pool.PoolId, Sum.MatchCount)] = (0, null);
        }
        foreach (var m in model.Matches.Where(m => m.Live))
        {
            var pool = model.Pool(m.PoolId);
            Add(sums, new(m.PoolId, Sum.Matched), m.AmountFen, pool.BudgetFen);
            Add(sums, new(m.PoolId, Sum.MatchCount), 1, null);
            Add(sums, new(m.PoolId, Sum.MatchedOnDay, Day: m.Day), m.AmountFen, pool.DailyBudgetFen);
            Add(sums, new(m.PoolId, Sum.MatchedForProject, Project: m.ProjectId), m.AmountFen, pool.PerProjectCapFen);
            Add(sums, new(m.PoolId, Sum.MatchedToDonorOnDay, m.Donor, m.Day), m.AmountFen, pool.PerDonorDailyCapFen);
            Add(sums, new(m.PoolId, Sum.MatchedDonationsOfDonorOnDay, m.Donor, m.Day), 1, pool.PerDonorDailyCount);
        }
        return sums;
    }

    /// <returns>null for a donor-day the book does not hold (it loads such a donor from the ledger before deciding).</returns>
    public static long? InBook(MatchingBook book, SumKey key) => key.What switch
    {
        Sum.Matched => book.MatchedFen(key.PoolId),
        Sum.MatchCount => book.MatchCount(key.PoolId),
        Sum.MatchedOnDay => book.MatchedOnDayFen(key.PoolId, key.Day!.Value),
        Sum.MatchedForProject => book.MatchedForProjectFen(key.PoolId, key.Project!),
        Sum.MatchedToDonorOnDay => book.KnownDonorDay(key.PoolId, key.Donor!.Value, key.Day!.Value)?.MatchedFen,
        Sum.MatchedDonationsOfDonorOnDay => book.KnownDonorDay(key.PoolId, key.Donor!.Value, key.Day!.Value)?.MatchCount,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static void Add(Dictionary<SumKey, (long Value, long? Limit)> sums, SumKey key, long amount, long? limit) =>
        sums[key] = (sums.GetValueOrDefault(key).Value + amount, limit);
}
