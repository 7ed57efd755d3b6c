namespace CharityDay.Domain.Matching;

/// <summary>
/// Everything a campaign's write path derives from the ledger when it (re)activates: the ledger's
/// sums, grouped as the book and the totals need them. The ledger is the truth; this is how the
/// in-memory state is made equal to it.
/// </summary>
public sealed class CampaignLedgerSnapshot
{
    public List<(string ProjectId, string PartnerId, long RaisedFen, long Count)> ProjectRaised { get; } = [];
    public List<(string PoolId, string ProjectId, long MatchedFen, long Count)> PoolProjectMatched { get; } = [];
    public List<(string PoolId, DateOnly Day, long MatchedFen)> PoolDayMatched { get; } = [];
    public List<(string PoolId, string PartnerId, string DonorId, DateOnly Day, long MatchedFen, int Count)> DonorDays { get; } = [];
    public List<(string PartnerId, string DonorId, DateTimeOffset AcceptedAt)> RecentDonations { get; } = [];
    public List<(string PoolId, string DonorId)> Clawbacks { get; } = [];

    /// <summary>
    /// Loads the snapshot into <paramref name="book"/> (which already holds the campaign's pools and
    /// time zone) and returns the project totals. The one rebuild used by the campaign grain and by the
    /// seeded simulation that checks it.
    /// </summary>
    public Dictionary<string, ProjectTotals> RestoreInto(MatchingBook book)
    {
        var totals = new Dictionary<string, ProjectTotals>(StringComparer.Ordinal);
        ProjectTotals Of(string id) => totals.TryGetValue(id, out var t) ? t : totals[id] = new ProjectTotals();
        foreach (var (projectId, partnerId, raised, count) in ProjectRaised)
        {
            Of(projectId).AddDonation(partnerId, raised, count);
        }
        foreach (var (poolId, projectId, matched, count) in PoolProjectMatched)
        {
            book.RestorePoolProject(poolId, projectId, matched, count);
            Of(projectId).AddMatched(matched);
        }
        foreach (var (poolId, day, matched) in PoolDayMatched)
        {
            book.RestorePoolDay(poolId, day, matched);
        }
        foreach (var (poolId, partnerId, donorId, day, matched, count) in DonorDays)
        {
            book.RestoreDonorDay(poolId, new DonorKey(partnerId, donorId), day, matched, count);
        }
        foreach (var (partnerId, donorId, acceptedAt) in RecentDonations)
        {
            book.RestoreRecentDonation(new DonorKey(partnerId, donorId), acceptedAt);
        }
        foreach (var (poolId, donorId) in Clawbacks)
        {
            book.Flag(poolId, donorId);
        }
        return totals;
    }
}
