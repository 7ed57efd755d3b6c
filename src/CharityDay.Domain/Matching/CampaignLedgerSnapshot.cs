namespace CharityDay.Domain.Matching;

/// <summary>
/// What a campaign's write path restores when it (re)activates or after a failed commit: the
/// ledger's sums per pool, day and project — durable sums up to the campaign's mark plus the rows
/// after it, so reading them costs O(pools × projects + pools × days + the tail), never
/// O(donations) — the clawback flags, and the last minute of donations when a pool limits donations
/// per minute. Donors' days are not in it: the book loads them on demand. The same shape,
/// recomputed from all the ledger's rows, checks the durable sums (<see cref="Differences"/>).
/// A list may hold a key more than once (sums and tail): every reader adds them up.
/// </summary>
public sealed class CampaignLedgerSnapshot
{
    public List<(string ProjectId, string PartnerId, long RaisedFen, long Count)> ProjectRaised { get; } = [];
    public List<(string PoolId, string ProjectId, long MatchedFen, long Count)> PoolProjectMatched { get; } = [];
    public List<(string PoolId, DateOnly Day, long MatchedFen)> PoolDayMatched { get; } = [];
    public List<(string PartnerId, string DonorId, DateTimeOffset AcceptedAt)> RecentDonations { get; } = [];
    public List<(string PoolId, string DonorId)> Clawbacks { get; } = [];

    /// <summary>Donors flagged on one platform only.</summary>
    public List<(string PoolId, string PartnerId, string DonorId)> PartnerClawbacks { get; } = [];

    /// <summary>Per (team, donor), the live donations of team gifts: read from their rows (SPEC §7 team board).</summary>
    public List<(string PartnerId, string TeamId, string DonorId, long RaisedFen, long Count)> TeamDonations { get; } = [];

    /// <summary>Per team, the live matches of its donations.</summary>
    public List<(string PartnerId, string TeamId, long MatchedFen)> TeamMatched { get; } = [];

    /// <summary>Every pledge charge of the campaign (SPEC §7): a charged month stays charged.</summary>
    public List<(string PartnerId, string PledgeId, int Month, string DonationId)> PledgeCharges { get; } = [];

    /// <summary>Per project, the points its live points gifts used (SPEC §7), read from their rows.</summary>
    public List<(string ProjectId, long Points)> ProjectPoints { get; } = [];

    /// <summary>Per project, its live merchant gifts (SPEC §7 <c>merchantRaised</c>, <c>merchantOrders</c>), read from their rows.</summary>
    public List<(string ProjectId, long RaisedFen, long Orders)> ProjectMerchantGifts { get; } = [];

    /// <summary>Per merchant (its donor string), its live gifts (SPEC §7 merchant board), read from their rows.</summary>
    public List<(string PartnerId, string Donor, long RaisedFen, long Orders, long Count)> MerchantGifts { get; } = [];

    /// <summary>The durable sums cover the donations accepted up to this instant (null: no sums yet).</summary>
    public DateTimeOffset? SumsThrough { get; set; }

    /// <summary>The latest acceptance time in the campaign's ledger: a new activation never stamps an earlier one.</summary>
    public DateTimeOffset? LatestAcceptedAt { get; set; }

    /// <summary>Donations after the mark, read from their rows by this restore.</summary>
    public long TailDonations { get; set; }

    /// <summary>
    /// Loads the snapshot into <paramref name="book"/> (which already holds the campaign's pools and
    /// time zone) and returns the project totals. The one restore used by the campaign grain and by the
    /// seeded simulation that checks it.
    /// </summary>
    public Dictionary<string, ProjectTotals> RestoreInto(MatchingBook book)
    {
        var totals = new Dictionary<string, ProjectTotals>(StringComparer.Ordinal);
        ProjectTotals Of(string id) => totals.TryGetValue(id, out var t) ? t : totals[id] = new ProjectTotals();
        // A durable sum whose donations were all refunded is a row of zeros: nothing to restore.
        foreach (var (projectId, partnerId, raised, count) in ProjectRaised.Where(r => r.Count != 0 || r.RaisedFen != 0))
        {
            Of(projectId).AddDonation(partnerId, raised, count);
        }
        foreach (var (poolId, projectId, matched, count) in PoolProjectMatched.Where(r => r.Count != 0 || r.MatchedFen != 0))
        {
            book.RestorePoolProject(poolId, projectId, matched, count);
            // A conversion pool's payments are its points gifts' own amounts, not matches (SPEC §7).
            if (book.Pool(poolId) is not { IsConversionPool: true })
            {
                Of(projectId).AddMatched(matched);
            }
        }
        foreach (var (projectId, points) in ProjectPoints.Where(r => r.Points != 0))
        {
            Of(projectId).AddPoints(points);
        }
        foreach (var (projectId, raised, orders) in ProjectMerchantGifts.Where(r => r.RaisedFen != 0 || r.Orders != 0))
        {
            Of(projectId).AddMerchant(raised, orders);
        }
        foreach (var (poolId, day, matched) in PoolDayMatched.Where(r => r.MatchedFen != 0))
        {
            book.RestorePoolDay(poolId, day, matched);
        }
        foreach (var (partnerId, donorId, acceptedAt) in RecentDonations)
        {
            book.RestoreRecentDonation(new DonorKey(partnerId, donorId), acceptedAt);
        }
        foreach (var (poolId, donorId) in Clawbacks)
        {
            book.Flag(poolId, donorId);
        }
        foreach (var (poolId, partnerId, donorId) in PartnerClawbacks)
        {
            book.Flag(poolId, donorId, partnerId);
        }
        return totals;
    }

    /// <summary>Loads the pledge charges into <paramref name="pledges"/> (whose charges were cleared).</summary>
    public void RestorePledgeCharges(Giving.PledgeBook pledges)
    {
        foreach (var (partnerId, pledgeId, month, donationId) in PledgeCharges)
        {
            pledges.Charge(new Giving.PledgeKey(partnerId, pledgeId), month, new DonationKey(partnerId, donationId));
        }
    }

    /// <summary>Loads the team totals into <paramref name="teams"/> (an empty book).</summary>
    public void RestoreTeams(Giving.TeamBook teams)
    {
        foreach (var (partnerId, teamId, donorId, raised, count) in TeamDonations)
        {
            teams.RestoreDonations(new Giving.TeamKey(partnerId, teamId), donorId, raised, count);
        }
        foreach (var (partnerId, teamId, matched) in TeamMatched)
        {
            teams.RestoreMatched(new Giving.TeamKey(partnerId, teamId), matched);
        }
    }

    /// <summary>Loads the merchants' totals into <paramref name="merchants"/> (an empty book).</summary>
    public void RestoreMerchants(Giving.MerchantBook merchants)
    {
        foreach (var (partnerId, donor, raised, orders, count) in MerchantGifts.Where(r => r.Count != 0))
        {
            if (Giving.MerchantDonor.MerchantOf(donor) is { } merchantId)
            {
                merchants.Restore(new Giving.MerchantKey(partnerId, merchantId), raised, orders, count);
            }
        }
    }

    /// <summary>
    /// Every sum on which this snapshot and <paramref name="other"/> disagree, described for a person
    /// (empty when they agree to the fen). A sum of zero equals an absent one.
    /// </summary>
    public List<string> Differences(CampaignLedgerSnapshot other)
    {
        var differences = new List<string>();
        Compare("raised (project, partner)", Sums(ProjectRaised.Select(r => ($"{r.ProjectId}/{r.PartnerId}", r.RaisedFen, r.Count))),
            Sums(other.ProjectRaised.Select(r => ($"{r.ProjectId}/{r.PartnerId}", r.RaisedFen, r.Count))), differences);
        Compare("matched (pool, project)", Sums(PoolProjectMatched.Select(r => ($"{r.PoolId}/{r.ProjectId}", r.MatchedFen, r.Count))),
            Sums(other.PoolProjectMatched.Select(r => ($"{r.PoolId}/{r.ProjectId}", r.MatchedFen, r.Count))), differences);
        Compare("matched (pool, day)", Sums(PoolDayMatched.Select(r => ($"{r.PoolId}/{r.Day:yyyy-MM-dd}", r.MatchedFen, 0L))),
            Sums(other.PoolDayMatched.Select(r => ($"{r.PoolId}/{r.Day:yyyy-MM-dd}", r.MatchedFen, 0L))), differences);
        return differences;
    }

    private static Dictionary<string, (long Fen, long Count)> Sums(IEnumerable<(string Key, long Fen, long Count)> rows)
    {
        var sums = new Dictionary<string, (long Fen, long Count)>(StringComparer.Ordinal);
        foreach (var (key, fen, count) in rows)
        {
            var sum = sums.GetValueOrDefault(key);
            sums[key] = (sum.Fen + fen, sum.Count + count);
        }
        return sums;
    }

    private static void Compare(string what, Dictionary<string, (long Fen, long Count)> mine, Dictionary<string, (long Fen, long Count)> theirs, List<string> differences)
    {
        foreach (var key in mine.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
        {
            var a = mine.GetValueOrDefault(key);
            var b = theirs.GetValueOrDefault(key);
            if (a != b)
            {
                differences.Add($"{what} {key}: {a.Fen} fen in {a.Count} vs {b.Fen} fen in {b.Count}");
            }
        }
    }
}
