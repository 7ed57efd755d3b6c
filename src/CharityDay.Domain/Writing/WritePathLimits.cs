using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Writing;

/// <summary>The write path's bounds (TigerStyle: put a limit on everything).</summary>
/// <param name="MaxPending">Donations queued for a commit; past it a post is shed (429) at once.</param>
/// <param name="MaxBatch">Donations in one group-commit transaction.</param>
/// <param name="MaxAttempts">A donation whose batch hit a duplicate key elsewhere is decided again this many times.</param>
/// <param name="RecentRowsCached">Recently written rows kept for fast replays.</param>
/// <param name="PruneAfterAccepted">The book forgets past days and quiet donors after this many accepted donations.</param>
/// <param name="DonorsKept">Donors' days the book holds at most; the others are read from the ledger when they give again.</param>
/// <param name="SumsEvery">How often a commit moves the durable sums' mark forward: what a restore reads from rows is at most about this much of the day.</param>
public sealed record WritePathLimits(int MaxPending, int MaxBatch, int MaxAttempts, int RecentRowsCached, int PruneAfterAccepted,
    int DonorsKept = MatchingBook.DefaultDonorCapacity, TimeSpan? SumsEvery = null)
{
    public TimeSpan SumsInterval => SumsEvery ?? TimeSpan.FromSeconds(1);

    public const int LargestBatch = 2_000;

    public static WritePathLimits Production(int maxPending, int donorsKept = MatchingBook.DefaultDonorCapacity) =>
        new(maxPending, MaxBatch: LargestBatch, MaxAttempts: 3, RecentRowsCached: 50_000, PruneAfterAccepted: 50_000, donorsKept);
}
