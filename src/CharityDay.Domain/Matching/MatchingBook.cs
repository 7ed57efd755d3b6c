namespace CharityDay.Domain.Matching;

/// <summary>
/// The in-memory account of what every pool of one campaign has matched: the single owner of
/// SPEC §3 invariants 1 and 2 while the campaign is active. It is derived from the ledger (the
/// restore methods) and advanced one accepted donation at a time, in acceptance order.
/// Not thread-safe: its owner (one grain activation) calls it from one turn at a time.
/// </summary>
public sealed class MatchingBook
{
    public static readonly TimeSpan MinuteWindow = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, PoolRules> _pools = new(StringComparer.Ordinal);
    private List<PoolRules> _stackingOrder = [];
    private readonly Dictionary<string, long> _poolMatched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _poolMatchCount = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Pool, DateOnly Day), long> _poolDay = [];
    private readonly Dictionary<(string Pool, string Project), long> _poolProject = [];
    private readonly Dictionary<(string Pool, DonorKey Donor, DateOnly Day), DonorDayUsage> _donorDay = [];
    private readonly Dictionary<DonorKey, Queue<DateTimeOffset>> _recentDonations = [];
    private readonly HashSet<(string Pool, string DonorId)> _flagged = [];

    public MatchingBook(TimeZoneInfo timeZone) => TimeZone = timeZone;

    public TimeZoneInfo TimeZone { get; set; }

    public IReadOnlyCollection<PoolRules> Pools => _stackingOrder;

    public DateTime LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;

    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(LocalTime(at));

    public void SetPool(PoolRules rules)
    {
        _pools[rules.PoolId] = rules;
        _stackingOrder = [.. _pools.Values.OrderBy(p => p, Comparer<PoolRules>.Create(PoolRules.StackingOrder))];
    }

    public PoolRules? Pool(string poolId) => _pools.GetValueOrDefault(poolId);

    /// <summary>Decides every pool's match for the donation and records them.</summary>
    public IReadOnlyList<PoolMatch> Accept(DonationFacts donation)
    {
        var localTime = LocalTime(donation.AcceptedAt);
        var day = DateOnly.FromDateTime(localTime);
        var inLastMinute = RecordRecentDonation(donation.Donor, donation.AcceptedAt);
        var matches = new List<PoolMatch>();
        foreach (var pool in _stackingOrder)
        {
            if (!pool.Covers(donation.ProjectId))
            {
                continue;
            }
            var usage = UsageFor(pool.PoolId, donation, day, inLastMinute);
            var match = MatchRule.Decide(pool, donation, localTime, usage);
            if (match.AmountFen > 0)
            {
                Apply(new MatchRecord(pool.PoolId, donation.ProjectId, donation.Donor, day, match.AmountFen), +1);
                matches.Add(match);
            }
        }
        return matches;
    }

    /// <summary>Gives a match back to the pool, the project cap and the donor's day (refund, clawback).</summary>
    public void Reverse(MatchRecord match) => Apply(match, -1);

    public void Flag(string poolId, string donorId) => _flagged.Add((poolId, donorId));

    public bool IsFlagged(string poolId, string donorId) => _flagged.Contains((poolId, donorId));

    public long MatchedFen(string poolId) => _poolMatched.GetValueOrDefault(poolId);

    public long MatchCount(string poolId) => _poolMatchCount.GetValueOrDefault(poolId);

    public long MatchedOnDayFen(string poolId, DateOnly day) => _poolDay.GetValueOrDefault((poolId, day));

    public long MatchedForProjectFen(string poolId, string projectId) => _poolProject.GetValueOrDefault((poolId, projectId));

    public DonorDayUsage DonorDay(string poolId, DonorKey donor, DateOnly day) =>
        _donorDay.GetValueOrDefault((poolId, donor, day));

    // ---- Rebuilding from the ledger ----

    public void RestorePoolProject(string poolId, string projectId, long matchedFen, long matchCount)
    {
        _poolProject[(poolId, projectId)] = _poolProject.GetValueOrDefault((poolId, projectId)) + matchedFen;
        _poolMatched[poolId] = _poolMatched.GetValueOrDefault(poolId) + matchedFen;
        _poolMatchCount[poolId] = _poolMatchCount.GetValueOrDefault(poolId) + matchCount;
    }

    public void RestorePoolDay(string poolId, DateOnly day, long matchedFen) =>
        _poolDay[(poolId, day)] = _poolDay.GetValueOrDefault((poolId, day)) + matchedFen;

    public void RestoreDonorDay(string poolId, DonorKey donor, DateOnly day, long matchedFen, int matchCount)
    {
        var usage = _donorDay.GetValueOrDefault((poolId, donor, day));
        _donorDay[(poolId, donor, day)] = new DonorDayUsage(usage.MatchedFen + matchedFen, usage.MatchCount + matchCount);
    }

    public void RestoreRecentDonation(DonorKey donor, DateTimeOffset acceptedAt) => RecordRecentDonation(donor, acceptedAt);

    /// <summary>Forgets what can no longer affect a decision: past days and quiet donors.</summary>
    public void Prune(DateTimeOffset now)
    {
        var yesterday = LocalDay(now).AddDays(-1);
        foreach (var key in _donorDay.Keys.Where(k => k.Day < yesterday).ToList())
        {
            _donorDay.Remove(key);
        }
        var cutoff = now - MinuteWindow;
        foreach (var (donor, times) in _recentDonations.ToList())
        {
            while (times.Count > 0 && times.Peek() <= cutoff)
            {
                times.Dequeue();
            }
            if (times.Count == 0)
            {
                _recentDonations.Remove(donor);
            }
        }
    }

    public int TrackedDonorDays => _donorDay.Count;

    private PoolUsage UsageFor(string poolId, DonationFacts donation, DateOnly day, int inLastMinute)
    {
        var donorDay = _donorDay.GetValueOrDefault((poolId, donation.Donor, day));
        return new PoolUsage(
            MatchedFen: _poolMatched.GetValueOrDefault(poolId),
            MatchedTodayFen: _poolDay.GetValueOrDefault((poolId, day)),
            MatchedForProjectFen: _poolProject.GetValueOrDefault((poolId, donation.ProjectId)),
            MatchedToDonorTodayFen: donorDay.MatchedFen,
            MatchedDonationsOfDonorToday: donorDay.MatchCount,
            DonationsOfDonorInLastMinute: inLastMinute,
            DonorFlagged: _flagged.Contains((poolId, donation.DonorId)));
    }

    private void Apply(MatchRecord match, int sign)
    {
        var amount = sign * match.AmountFen;
        _poolMatched[match.PoolId] = _poolMatched.GetValueOrDefault(match.PoolId) + amount;
        _poolMatchCount[match.PoolId] = _poolMatchCount.GetValueOrDefault(match.PoolId) + sign;
        _poolDay[(match.PoolId, match.Day)] = _poolDay.GetValueOrDefault((match.PoolId, match.Day)) + amount;
        _poolProject[(match.PoolId, match.ProjectId)] = _poolProject.GetValueOrDefault((match.PoolId, match.ProjectId)) + amount;
        var key = (match.PoolId, match.Donor, match.Day);
        var usage = _donorDay.GetValueOrDefault(key);
        _donorDay[key] = new DonorDayUsage(usage.MatchedFen + amount, usage.MatchCount + sign);
    }

    /// <returns>How many of the donor's donations fall in the rolling minute ending now, this one included.</returns>
    private int RecordRecentDonation(DonorKey donor, DateTimeOffset acceptedAt)
    {
        if (!_recentDonations.TryGetValue(donor, out var times))
        {
            times = new Queue<DateTimeOffset>();
            _recentDonations[donor] = times;
        }
        var cutoff = acceptedAt - MinuteWindow;
        while (times.Count > 0 && times.Peek() <= cutoff)
        {
            times.Dequeue();
        }
        times.Enqueue(acceptedAt);
        return times.Count;
    }
}

public readonly record struct DonorDayUsage(long MatchedFen, int MatchCount);
