namespace CharityDay.Domain.Matching;

/// <summary>
/// The in-memory account of what every pool of one campaign has matched: the single owner of
/// SPEC §3 invariants 1 and 2 while the campaign is active. It is restored from the ledger's
/// durable sums (per pool, day and project: the restore methods), holds a bounded working set of
/// donors' days that it loads from the ledger on demand (<see cref="MustLoad"/>, <see cref="LoadDonor"/>),
/// and is advanced one accepted donation at a time, in acceptance order.
/// Not thread-safe: its owner (one grain activation) calls it from one turn at a time.
/// </summary>
public sealed class MatchingBook
{
    public static readonly TimeSpan MinuteWindow = TimeSpan.FromMinutes(1);

    /// <summary>Donors whose day a book keeps by default: tens of MB, far more than one batch touches.</summary>
    public const int DefaultDonorCapacity = 200_000;

    private readonly Dictionary<string, PoolRules> _pools = new(StringComparer.Ordinal);
    private List<PoolRules> _stackingOrder = [];
    private List<PoolRules> _donorCapped = [];
    private readonly Dictionary<string, long> _poolMatched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _poolMatchCount = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Pool, DateOnly Day), long> _poolDay = [];
    private readonly Dictionary<(string Pool, string Project), long> _poolProject = [];
    private readonly Dictionary<DonorKey, Queue<DateTimeOffset>> _recentDonations = [];
    private readonly HashSet<(string Pool, string DonorId)> _flagged = [];
    private readonly HashSet<(string Pool, string PartnerId, string DonorId)> _flaggedOnPartner = [];
    private DateOnly _today = DateOnly.MinValue;

    /// <param name="donors">The donors' days; a rebuilt book takes over its predecessor's.</param>
    public MatchingBook(TimeZoneInfo timeZone, DonorWorkingSet? donors = null)
    {
        TimeZone = timeZone;
        Donors = donors ?? new DonorWorkingSet(DefaultDonorCapacity);
    }

    public TimeZoneInfo TimeZone { get; set; }

    public IReadOnlyCollection<PoolRules> Pools => _stackingOrder;

    public DonorWorkingSet Donors { get; }

    /// <summary>
    /// The book has seen every match of the campaign since it began (a new campaign, or a model in a
    /// test), so a donor it does not hold has matched nothing. Once restored from durable sums, or once
    /// it dropped a donor, a donor it does not hold must be loaded before a capped pool decides.
    /// </summary>
    public bool AllDonorsKnown { get; set; } = true;

    /// <summary>Some pool limits donations per donor per minute: the book then keeps each donor's last minute.</summary>
    public bool TracksRecentDonations { get; private set; }

    public DateTime LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;

    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(LocalTime(at));

    public void SetPool(PoolRules rules)
    {
        var wasCapped = IsDonorCapped(rules.PoolId);
        _pools[rules.PoolId] = rules;
        _stackingOrder = [.. _pools.Values.OrderBy(p => p, Comparer<PoolRules>.Create(PoolRules.StackingOrder))];
        _donorCapped = [.. _stackingOrder.Where(p => p.PerDonorDailyCapFen is not null || p.PerDonorDailyCount is not null)];
        TracksRecentDonations = _pools.Values.Any(p => p.PerDonorMinuteCount is not null);
        if (IsDonorCapped(rules.PoolId) && !wasCapped && _poolMatchCount.ContainsKey(rules.PoolId))
        {
            // The donors' days hold only what capped pools matched: this pool's past matches are not in them.
            ForgetAllDonors();
        }
    }

    /// <summary>The pools that cap what one donor gets in a day: the only ones whose per-donor usage the book keeps.</summary>
    public IReadOnlyList<string> DonorCappedPoolIds => [.. _donorCapped.Select(p => p.PoolId)];

    private bool IsDonorCapped(string poolId) => _donorCapped.Any(p => string.Equals(p.PoolId, poolId, StringComparison.Ordinal));

    public PoolRules? Pool(string poolId) => _pools.GetValueOrDefault(poolId);

    /// <summary>A donation to this project is decided by a pool that caps what one donor gets in a day.</summary>
    public bool NeedsDonorDay(string projectId)
    {
        foreach (var pool in _donorCapped)
        {
            if (pool.Covers(projectId))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The donor's day must be loaded from the ledger before a donation of theirs to the project is decided.</summary>
    public bool MustLoad(DonorKey donor, string projectId) =>
        !AllDonorsKnown && NeedsDonorDay(projectId) && Donors.Touch(donor) is null;

    /// <summary>Takes a donor's day as the ledger holds it, unless the book already knows the donor (then it knows better).</summary>
    public void LoadDonor(DonorKey donor, DateOnly day, IEnumerable<(string PoolId, long MatchedFen, int MatchCount)> tallies)
    {
        if (Donors.Peek(donor) is not null)
        {
            return;
        }
        var entry = new DonorDay(day);
        foreach (var (poolId, matched, count) in tallies)
        {
            entry.Add(poolId, matched, count);
        }
        Donors.Add(donor, entry);
    }

    /// <summary>Decides every pool's match for the donation and records them.</summary>
    /// <exception cref="InvalidOperationException">A capped pool needs the donor's day and the book does not know it (<see cref="MustLoad"/>).</exception>
    public IReadOnlyList<PoolMatch> Accept(DonationFacts donation)
    {
        var localTime = LocalTime(donation.AcceptedAt);
        var day = DateOnly.FromDateTime(localTime);
        MoveToDay(day);
        var donorDay = DonorDayFor(donation.Donor, day, donation.ProjectId);
        // A points gift no pool pays is refused with nothing recorded (SPEC §7): it enters the donor's minute only once paid.
        var inLastMinute = !TracksRecentDonations ? 0
            : donation.IsPointsGift ? RecentDonationsBefore(donation.Donor, donation.AcceptedAt) + 1
            : RecordRecentDonation(donation.Donor, donation.AcceptedAt);
        var matches = new List<PoolMatch>();
        foreach (var pool in _stackingOrder)
        {
            if (!pool.Covers(donation.ProjectId))
            {
                continue;
            }
            var usage = UsageFor(pool.PoolId, donation, day, donorDay, inLastMinute);
            var match = MatchRule.Decide(pool, donation, localTime, usage);
            if (match.AmountFen > 0)
            {
                ApplyToPool(pool.PoolId, donation.ProjectId, day, match.AmountFen, +1);
                if (IsDonorCapped(pool.PoolId))
                {
                    if (donorDay is null && AllDonorsKnown)
                    {
                        donorDay = new DonorDay(day);
                        Donors.Add(donation.Donor, donorDay);
                    }
                    donorDay?.Add(pool.PoolId, match.AmountFen, 1);
                }
                matches.Add(match);
                if (donation.IsPointsGift)
                {
                    // One conversion pool pays a points gift: the first of its programme, in stacking order, that can pay a fen.
                    if (TracksRecentDonations)
                    {
                        RecordRecentDonation(donation.Donor, donation.AcceptedAt);
                    }
                    break;
                }
            }
        }
        return matches;
    }

    /// <summary>Gives a match back to the pool, the project cap and the donor's day (refund, clawback).</summary>
    public void Reverse(MatchRecord match)
    {
        ApplyToPool(match.PoolId, match.ProjectId, match.Day, -match.AmountFen, -1);
        // A donor the book does not hold is read from the ledger, which already has the reversal.
        if (IsDonorCapped(match.PoolId) && Donors.Peek(match.Donor) is { } donorDay && donorDay.Day == match.Day)
        {
            donorDay.Add(match.PoolId, -match.AmountFen, -1);
        }
    }

    /// <summary>Flags the donor id on the pool: on every platform, or only on <paramref name="partnerId"/>'s (SPEC §4 clawback).</summary>
    public void Flag(string poolId, string donorId, string? partnerId = null)
    {
        if (partnerId is null)
        {
            _flagged.Add((poolId, donorId));
        }
        else
        {
            _flaggedOnPartner.Add((poolId, partnerId, donorId));
        }
    }

    public bool IsFlagged(string poolId, string donorId) => _flagged.Contains((poolId, donorId));

    private bool IsFlagged(string poolId, DonationKey donation, string donorId) =>
        _flagged.Contains((poolId, donorId)) || (_flaggedOnPartner.Count > 0 && _flaggedOnPartner.Contains((poolId, donation.PartnerId, donorId)));

    public long MatchedFen(string poolId) => _poolMatched.GetValueOrDefault(poolId);

    public long MatchCount(string poolId) => _poolMatchCount.GetValueOrDefault(poolId);

    public long MatchedOnDayFen(string poolId, DateOnly day) => _poolDay.GetValueOrDefault((poolId, day));

    public long MatchedForProjectFen(string poolId, string projectId) => _poolProject.GetValueOrDefault((poolId, projectId));

    /// <summary>The donor's usage of the pool on the day, as far as the book knows it.</summary>
    /// <returns>
    /// null when the book does not know that donor-day: a day before the book's current one (past days
    /// are forgotten), or a donor it does not hold unless <see cref="AllDonorsKnown"/>.
    /// </returns>
    public DonorDayUsage? KnownDonorDay(string poolId, DonorKey donor, DateOnly day)
    {
        if (!IsDonorCapped(poolId))
        {
            return null;
        }
        var donorDay = Donors.Peek(donor);
        if (donorDay is not null && donorDay.Day >= day)
        {
            return donorDay.Day == day ? donorDay.For(poolId) : null;
        }
        if (day < _today)
        {
            return null;
        }
        // Held for an earlier day: nothing matched since. Not held: nothing at all, if the book saw everything.
        return donorDay is not null || AllDonorsKnown ? default(DonorDayUsage) : null;
    }

    /// <summary>The donor's usage, for a book that knows every donor (tests of the rules).</summary>
    public DonorDayUsage DonorDay(string poolId, DonorKey donor, DateOnly day) =>
        KnownDonorDay(poolId, donor, day) ?? throw new InvalidOperationException($"the book does not hold donor {donor} on {day}");

    // ---- Rebuilding from the ledger ----

    public void RestorePoolProject(string poolId, string projectId, long matchedFen, long matchCount)
    {
        _poolProject[(poolId, projectId)] = _poolProject.GetValueOrDefault((poolId, projectId)) + matchedFen;
        _poolMatched[poolId] = _poolMatched.GetValueOrDefault(poolId) + matchedFen;
        _poolMatchCount[poolId] = _poolMatchCount.GetValueOrDefault(poolId) + matchCount;
    }

    public void RestorePoolDay(string poolId, DateOnly day, long matchedFen) =>
        _poolDay[(poolId, day)] = _poolDay.GetValueOrDefault((poolId, day)) + matchedFen;

    public void RestoreRecentDonation(DonorKey donor, DateTimeOffset acceptedAt) => RecordRecentDonation(donor, acceptedAt);

    /// <summary>Forgets what can no longer affect a decision: donors' past days and quiet donors' last minute.</summary>
    public void Prune(DateTimeOffset now)
    {
        // A donor held for a past day has matched nothing today: forgetting them loses nothing.
        MoveToDay(LocalDay(now));
        Donors.ForgetDaysBefore(_today);
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

    /// <summary>Called once a batch has committed: the working set may drop its least recently used half.</summary>
    public void RotateDonors()
    {
        if (Donors.RotateIfFull())
        {
            AllDonorsKnown = false;
        }
    }

    /// <summary>The donor's day may hold matches that never committed: read it from the ledger next time.</summary>
    public void ForgetDonor(DonorKey donor)
    {
        if (Donors.Evict(donor))
        {
            AllDonorsKnown = false;
        }
    }

    public void ForgetAllDonors()
    {
        Donors.Clear();
        AllDonorsKnown = false;
    }

    public int TrackedDonorDays => Donors.Count;

    /// <summary>The book's current day only moves forward: the days before it are past, and forgotten.</summary>
    private void MoveToDay(DateOnly day)
    {
        if (day > _today)
        {
            _today = day;
        }
    }

    private DonorDay? DonorDayFor(DonorKey donor, DateOnly day, string projectId)
    {
        var donorDay = Donors.Touch(donor);
        if (donorDay is null)
        {
            if (!AllDonorsKnown && NeedsDonorDay(projectId))
            {
                throw new InvalidOperationException($"donor {donor} is not loaded: a capped pool needs their day");
            }
            return null;
        }
        if (donorDay.Day < day)
        {
            // The donor has been held since before this day began, so every match of theirs today went
            // through this entry: none did.
            donorDay.StartDay(day);
        }
        else if (donorDay.Day > day)
        {
            throw new InvalidOperationException("acceptance times went back a day: the write path keeps them monotonic");
        }
        return donorDay;
    }

    private PoolUsage UsageFor(string poolId, DonationFacts donation, DateOnly day, DonorDay? donorDay, int inLastMinute)
    {
        var donorUsage = donorDay?.For(poolId) ?? default;
        return new PoolUsage(
            MatchedFen: _poolMatched.GetValueOrDefault(poolId),
            MatchedTodayFen: _poolDay.GetValueOrDefault((poolId, day)),
            MatchedForProjectFen: _poolProject.GetValueOrDefault((poolId, donation.ProjectId)),
            MatchedToDonorTodayFen: donorUsage.MatchedFen,
            MatchedDonationsOfDonorToday: donorUsage.MatchCount,
            DonationsOfDonorInLastMinute: inLastMinute,
            DonorFlagged: IsFlagged(poolId, donation.Key, donation.DonorId));
    }

    private void ApplyToPool(string poolId, string projectId, DateOnly day, long amount, int count)
    {
        _poolMatched[poolId] = _poolMatched.GetValueOrDefault(poolId) + amount;
        _poolMatchCount[poolId] = _poolMatchCount.GetValueOrDefault(poolId) + count;
        _poolDay[(poolId, day)] = _poolDay.GetValueOrDefault((poolId, day)) + amount;
        _poolProject[(poolId, projectId)] = _poolProject.GetValueOrDefault((poolId, projectId)) + amount;
    }

    /// <returns>How many of the donor's recorded donations fall in the rolling minute ending at <paramref name="at"/>.</returns>
    private int RecentDonationsBefore(DonorKey donor, DateTimeOffset at)
    {
        if (!_recentDonations.TryGetValue(donor, out var times))
        {
            return 0;
        }
        var cutoff = at - MinuteWindow;
        return times.Count(t => t > cutoff);
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
