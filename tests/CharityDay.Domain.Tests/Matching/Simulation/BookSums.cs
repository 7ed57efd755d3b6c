using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching.Model;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// Every sum a book keeps that can still affect a decision, named as <see cref="Sums"/> names
/// them: each pool's matched and count, per local day, per project, and per donor for today and
/// yesterday. Older donor-days are what <see cref="MatchingBook.Prune"/> forgets, so no comparison
/// may count them; a donor-day the book does not hold is read as unknown (null) and compared only
/// where it is held.
/// </summary>
internal static class BookSums
{
    // The list depends only on the local day, and is read after every step.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DateOnly, SumKey[]> KeysByDay = new();

    public static SumKey[] Keys(DateTimeOffset now) => KeysByDay.GetOrAdd(ReferenceModel.DayOf(now), KeysOn);

    /// <summary>
    /// The book's sums as far as any later comparison looks: the clock only moves forward, so
    /// donor-days before yesterday will never be compared again.
    /// </summary>
    public static Dictionary<SumKey, long> Read(MatchingBook book, DateTimeOffset now) =>
        Keys(now).Select(k => (Key: k, Value: Sums.InBook(book, k))).Where(x => x.Value is not null).ToDictionary(x => x.Key, x => x.Value!.Value);

    private static SumKey[] KeysOn(DateOnly today)
    {
        var keys = new List<SumKey>();
        var days = new List<DateOnly>();
        for (var day = ReferenceModel.DayOf(SimCampaign.Start); day <= today; day = day.AddDays(1))
        {
            days.Add(day);
        }
        foreach (var pool in SimCampaign.PoolIds)
        {
            keys.Add(new SumKey(pool, Sum.Matched));
            keys.Add(new SumKey(pool, Sum.MatchCount));
            keys.AddRange(days.Select(day => new SumKey(pool, Sum.MatchedOnDay, Day: day)));
            keys.AddRange(SimCampaign.Projects.Select(project => new SumKey(pool, Sum.MatchedForProject, Project: project)));
            foreach (var donor in SimCampaign.Donors)
            {
                foreach (var day in days.Where(d => d >= today.AddDays(-1)))
                {
                    keys.Add(new SumKey(pool, Sum.MatchedToDonorOnDay, donor, day));
                    keys.Add(new SumKey(pool, Sum.MatchedDonationsOfDonorOnDay, donor, day));
                }
            }
        }
        return [.. keys];
    }
}
