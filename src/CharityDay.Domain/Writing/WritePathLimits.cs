namespace CharityDay.Domain.Writing;

/// <summary>The write path's bounds (TigerStyle: put a limit on everything).</summary>
/// <param name="MaxPending">Donations queued for a commit; past it a post is shed (429) at once.</param>
/// <param name="MaxBatch">Donations in one group-commit transaction.</param>
/// <param name="MaxAttempts">A donation whose batch hit a duplicate key elsewhere is decided again this many times.</param>
/// <param name="RecentRowsCached">Recently written rows kept for fast replays.</param>
/// <param name="PruneAfterAccepted">The book forgets past days and quiet donors after this many accepted donations.</param>
public sealed record WritePathLimits(int MaxPending, int MaxBatch, int MaxAttempts, int RecentRowsCached, int PruneAfterAccepted)
{
    public static WritePathLimits Production(int maxPending) =>
        new(maxPending, MaxBatch: 2_000, MaxAttempts: 3, RecentRowsCached: 200_000, PruneAfterAccepted: 50_000);
}
